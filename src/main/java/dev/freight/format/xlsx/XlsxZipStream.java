package dev.freight.format.xlsx;

import com.github.rzymek.opczip.OpcOutputStream;
import org.dhatim.fastexcel.Workbook;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * The zip container of an XLSX export, installed into FastExcel's {@link Workbook} in place of the opczip stream it
 * builds for itself, which writes every entry dated 1980-00-00 and data descriptors with 8-byte sizes behind local
 * headers that do not announce ZIP64: streaming readers (java.util.zip.ZipInputStream, libarchive …) then read
 * wrong sizes ("invalid entry size", "Bad uncompressed size"), and only readers that trust the central directory
 * cope. Here:
 * <ul>
 *   <li>every entry is dated with the export's time (DOS time, in the export's time zone);</li>
 *   <li>sizes follow the entry in a standard data descriptor (streaming: the sheet's size is unknown when its
 *   local header is written, and nothing is buffered or sought back to); it has 4-byte sizes, or 8-byte ones only
 *   for an entry past 4 GiB, as java.util.zip.ZipOutputStream does; the central directory has exact sizes, with
 *   ZIP64 fields only where a value does not fit, and offsets are counted in {@code long};</li>
 *   <li>FastExcel's constant {@code <dimension ref="A1"/>} is left out of each worksheet: it cannot know the
 *   sheet's size when it writes the sheet's first bytes, and readers that trust it (openpyxl read-only) would read
 *   only the header row. The element is optional; without it every reader scans the rows.</li>
 * </ul>
 * Memory stays constant: one entry record (name, CRC, sizes, offset) per zip entry, a handful per sheet.
 */
final class XlsxZipStream extends OpcOutputStream {
    private static final byte[] CONSTANT_DIMENSION = "<dimension ref=\"A1\"/>".getBytes(StandardCharsets.US_ASCII);
    /** FastExcel writes a sheet's XML prologue (up to {@code <sheetData>}) in the entry's first write, within this. */
    private static final int SHEET_PROLOGUE = 4_096;
    private static final long MAX32 = 0xFFFF_FFFFL;
    private static final int MAX16 = 0xFFFF;
    private static final int VERSION_DEFLATE = 20;
    private static final int VERSION_ZIP64 = 45;
    private static final int FLAG_DATA_DESCRIPTOR = 0x08;
    private static final int DEFLATED = 8;

    private final OutputStream sink;
    private final int dosTime;
    private final int dosDate;
    private final long zip64At;
    private final CRC32 crc = new CRC32();
    private final List<Entry> entries = new ArrayList<>();
    private final ByteBuffer header = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    private Entry current;
    private long written;
    private boolean inSheetPrologue;
    private boolean finished;

    private static final class Entry {
        final byte[] name;
        final long offset;
        long crc;
        long size;
        long compressedSize;

        Entry(byte[] name, long offset) {
            this.name = name;
            this.offset = offset;
        }
    }

    XlsxZipStream(OutputStream sink, LocalDateTime time) {
        this(sink, time, MAX32);
    }

    /** {@code zip64At}: sizes and offsets from this value on take ZIP64 fields (lower than 4 GiB only in tests). */
    XlsxZipStream(OutputStream sink, LocalDateTime time, long zip64At) {
        super(sink);
        this.sink = sink;
        this.zip64At = zip64At;
        LocalDateTime t = time.getYear() < 1980 ? LocalDateTime.of(1980, 1, 1, 0, 0)
                : time.getYear() > 2107 ? LocalDateTime.of(2107, 12, 31, 23, 59, 58) : time;
        this.dosTime = t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() >> 1;
        this.dosDate = (t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
    }

    /**
     * Makes {@code workbook} write through {@code zip}. FastExcel offers no hook for its container, so this sets its
     * two private fields holding the stream. Returns false, changing nothing, if this FastExcel version lays them
     * out differently: the workbook then keeps its own container (the tests say so loudly).
     */
    static boolean install(Workbook workbook, XlsxZipStream zip) {
        if (WORKBOOK_STREAM == null || WORKBOOK_WRITER == null) return false;
        try {
            Object writer = WORKBOOK_WRITER.get(workbook);
            Field writerStream = writer.getClass().getDeclaredField("os");
            writerStream.setAccessible(true);
            Object previous = writerStream.get(writer);
            if (previous != WORKBOOK_STREAM.get(workbook)) return false;
            writerStream.set(writer, zip);
            try {
                WORKBOOK_STREAM.set(workbook, zip);
            } catch (ReflectiveOperationException | RuntimeException e) {
                writerStream.set(writer, previous);
                return false;
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static final Field WORKBOOK_STREAM = field("os", OpcOutputStream.class);
    private static final Field WORKBOOK_WRITER = field("writer", null);

    private static Field field(String name, Class<?> type) {
        try {
            Field f = Workbook.class.getDeclaredField(name);
            if (type != null && f.getType() != type) return null;
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void putNextEntry(ZipEntry e) throws IOException {
        if (finished) throw new IOException("the zip is finished");
        if (current != null) closeEntry();
        current = new Entry(e.getName().getBytes(StandardCharsets.UTF_8), written);
        inSheetPrologue = e.getName().startsWith("xl/worksheets/sheet") && e.getName().endsWith(".xml");
        boolean ascii = e.getName().chars().allMatch(c -> c < 0x80);
        header.clear();
        header.putInt(0x04034b50).putShort((short) VERSION_DEFLATE)
                .putShort((short) (FLAG_DATA_DESCRIPTOR | (ascii ? 0 : 0x800))).putShort((short) DEFLATED)
                .putShort((short) dosTime).putShort((short) dosDate)
                .putInt(0).putInt(0).putInt(0)  // CRC and sizes follow the data, in the data descriptor
                .putShort((short) current.name.length).putShort((short) 0);
        emitHeader();
        sink.write(current.name);
        written += current.name.length;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (current == null) throw new IOException("no zip entry to write to");
        if (len <= 0) return;
        if (inSheetPrologue) {
            inSheetPrologue = false;
            int at = indexOf(b, off, Math.min(len, SHEET_PROLOGUE), CONSTANT_DIMENSION);
            if (at >= 0) {
                compress(b, off, at - off);
                int after = at + CONSTANT_DIMENSION.length;
                compress(b, after, off + len - after);
                return;
            }
        }
        compress(b, off, len);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    private void compress(byte[] b, int off, int len) throws IOException {
        if (len == 0) return;
        crc.update(b, off, len);
        def.setInput(b, off, len);
        while (!def.needsInput()) deflate();
    }

    @Override
    public void closeEntry() throws IOException {
        if (current == null) throw new IllegalStateException("no zip entry is open");
        def.finish();
        while (!def.finished()) deflate();
        current.crc = crc.getValue();
        current.size = def.getBytesRead();
        current.compressedSize = def.getBytesWritten();
        written += current.compressedSize;
        header.clear();
        header.putInt(0x08074b50).putInt((int) current.crc);
        if (current.size >= zip64At || current.compressedSize >= zip64At) {
            header.putLong(current.compressedSize).putLong(current.size);
        } else {
            header.putInt((int) current.compressedSize).putInt((int) current.size);
        }
        emitHeader();
        entries.add(current);
        current = null;
        def.reset();
        crc.reset();
    }

    @Override
    public void finish() throws IOException {
        if (finished) return;
        if (current != null) closeEntry();
        long directoryStart = written;
        for (Entry e : entries) writeCentralHeader(e);
        long directorySize = written - directoryStart;
        boolean zip64 = entries.size() >= MAX16 || directoryStart >= zip64At || directorySize >= zip64At;
        if (zip64) {
            long record = written;
            header.clear();
            header.putInt(0x06064b50).putLong(44).putShort((short) VERSION_ZIP64).putShort((short) VERSION_ZIP64)
                    .putInt(0).putInt(0).putLong(entries.size()).putLong(entries.size())
                    .putLong(directorySize).putLong(directoryStart);
            emitHeader();
            header.clear();
            header.putInt(0x07064b50).putInt(0).putLong(record).putInt(1);
            emitHeader();
        }
        header.clear();
        header.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) Math.min(entries.size(), MAX16)).putShort((short) Math.min(entries.size(), MAX16))
                .putInt((int) (zip64 ? MAX32 : directorySize)).putInt((int) (zip64 ? MAX32 : directoryStart))
                .putShort((short) 0);
        emitHeader();
        finished = true;
        def.end();
    }

    private void writeCentralHeader(Entry e) throws IOException {
        boolean bigSize = e.size >= zip64At;
        boolean bigCompressed = e.compressedSize >= zip64At;
        boolean bigOffset = e.offset >= zip64At;
        int extra = (bigSize ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0);
        int version = extra > 0 ? VERSION_ZIP64 : VERSION_DEFLATE;
        boolean ascii = true;
        for (byte b : e.name) ascii &= b >= 0;
        header.clear();
        header.putInt(0x02014b50).putShort((short) version).putShort((short) version)
                .putShort((short) (FLAG_DATA_DESCRIPTOR | (ascii ? 0 : 0x800))).putShort((short) DEFLATED)
                .putShort((short) dosTime).putShort((short) dosDate).putInt((int) e.crc)
                .putInt((int) (bigCompressed ? MAX32 : e.compressedSize)).putInt((int) (bigSize ? MAX32 : e.size))
                .putShort((short) e.name.length).putShort((short) (extra == 0 ? 0 : 4 + extra))
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) (bigOffset ? MAX32 : e.offset));
        emitHeader();
        sink.write(e.name);
        written += e.name.length;
        if (extra > 0) {
            // The ZIP64 extended information field: only the values too large above, in this order.
            header.clear();
            header.putShort((short) 0x0001).putShort((short) extra);
            if (bigSize) header.putLong(e.size);
            if (bigCompressed) header.putLong(e.compressedSize);
            if (bigOffset) header.putLong(e.offset);
            emitHeader();
        }
    }

    private void emitHeader() throws IOException {
        sink.write(header.array(), 0, header.position());
        written += header.position();
    }

    @Override
    public void close() throws IOException {
        finish();
        sink.close();
    }

    private static int indexOf(byte[] b, int from, int length, byte[] wanted) {
        int last = from + length - wanted.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int k = 0; k < wanted.length; k++) {
                if (b[i + k] != wanted[k]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
