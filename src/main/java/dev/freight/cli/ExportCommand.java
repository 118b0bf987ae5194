package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.engine.CancellationToken;
import dev.freight.engine.ExportCancelledException;
import dev.freight.engine.ExportFailedException;
import dev.freight.engine.ExportListener;
import dev.freight.engine.ExportResult;
import dev.freight.error.ProblemCode;
import dev.freight.export.ExportService;
import dev.freight.export.ExportSink;
import dev.freight.export.PreparedExport;
import dev.freight.export.Sinks;
import dev.freight.format.ExportFormat;
import dev.freight.format.FormatOptions;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.error.InvalidRequestException;
import dev.freight.query.SortKey;
import dev.freight.source.SourceRegistry;
import dev.freight.visual.ChromiumRenderer;
import dev.freight.source.SourceUnavailableException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.freight.cli.CommandModel.flag;
import static dev.freight.cli.CommandModel.list;
import static dev.freight.cli.CommandModel.map;


/** {@code freight export}: one table to one file (or stdout), with a progress bar on a terminal. */
final class ExportCommand implements Callable<Integer> {
    // picocli's option objects, holding what was parsed (see CommandModel).
    private final SourceOptions sourceOptions = new SourceOptions();
    private final OptionSpec table = option("--table", "-t").required(true).paramLabel("<table>").type(String.class)
            .description("Table, view or configured dataset to export (schema.table outside the default schema).").build();
    private final OptionSpec columns = list("--columns", "-c").splitRegex(",").paramLabel("<col>")
            .description("Columns, in order (default: all).").build();
    private final OptionSpec where = list("--where", "-w").paramLabel("'col op value'")
            .description("A filter; repeat for more (all must hold).").build();
    private final OptionSpec sort = list("--sort").splitRegex(",").paramLabel("<col[:asc|desc]>")
            .description("Sort keys.").build();
    private final OptionSpec limit = option("--limit").paramLabel("<N>").type(Long.class)
            .description("Export at most N rows.").build();
    private final OptionSpec ids = list("--ids").splitRegex(",").paramLabel("<id>")
            .description("Only the rows with these primary keys.").build();
    private final OptionSpec dateFrom = option("--from").paramLabel("<date>").type(String.class)
            .description("Rows whose time column is at or after this date/time.").build();
    private final OptionSpec dateTo = option("--to").paramLabel("<date>").type(String.class)
            .description("Rows whose time column is before this date/time.").build();
    private final OptionSpec series = list("--series", "-s").splitRegex(",").paramLabel("<key=value,…>")
            .description("Export a time series instead of rows: timeframe=last_7d (or from=…,to=…), time_zone=…, "
                    + "granularity=minute|hour|day|week|month|quarter|year, measure=sum:unit_price (repeatable; "
                    + "measure=count counts rows), group_by=<col> (repeatable), fill=zero|null|none, time_column=<col>.").build();
    private final OptionSpec format = option("--format", "-f").defaultValue("csv").paramLabel("<format>").type(String.class)
            .description("csv, tsv, json, ndjson, xlsx, parquet or pdf (default: ${DEFAULT-VALUE}).").build();
    private final OptionSpec gzip = flag("--gzip", "-z").description("Compress the output with gzip.").build();
    private final OptionSpec output = option("--output", "-o").paramLabel("<FILE|->").defaultValue("-").type(String.class)
            .description("Output file, or - for standard output (default).").build();
    private final OptionSpec labels = map("--label").paramLabel("<col=Header>")
            .description("Header name for a column; repeatable.").build();
    private final OptionSpec formatOptions = map("--option", "-O").paramLabel("<key=value>")
            .description("Format option: delimiter, header, null_text, bom, line_ending, sanitize_formulas, time_zone.").build();
    private final OptionSpec progress = option("--progress").defaultValue("auto").paramLabel("<auto|always|never>")
            .type(String.class)
            .description("Progress bar on stderr: auto shows it when stderr is a terminal (default: ${DEFAULT-VALUE}).").build();
    private final OptionSpec quiet = flag("--quiet", "-q").description("No summary line.").build();
    private final OptionSpec verbose = flag("--verbose", "-v").description("Print stack traces of errors.").build();

    /**
     * The command's picocli model, built directly rather than from annotations (see {@link CommandModel}): options
     * in this order in the usage text, the source's first and the help options last.
     */
    static CommandSpec spec() {
        return new ExportCommand().model();
    }

    private CommandSpec model() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("export");
        spec.usageMessage().sortOptions(false)
                .description("Export a table or view to a file or standard output.")
                .footer("", "Filters: --where 'column op value', op one of: " + "eq ne lt lte gt gte in not_in between like "
                                + "contains starts_with is_null not_null; lists (in, not_in, between) are comma-separated.",
                        "Examples:",
                        "  freight export --demo --table orders --where 'status in paid,shipped' --sort created_at:desc -o orders.csv",
                        "  freight export --demo --table orders --series timeframe=this_year,granularity=month,"
                                + "measure=count,measure=sum:quantity,group_by=status,time_zone=Europe/Berlin",
                        "  freight export --source jdbc:postgresql://localhost/shop --user app --table orders --format ndjson --gzip -o -");
        spec.addMixin("sourceOptions", sourceOptions.model());
        for (OptionSpec o : new OptionSpec[]{table, columns, where, sort, limit, ids, dateFrom, dateTo, series, format, gzip,
                output, labels, formatOptions, progress, quiet, verbose}) {
            spec.addOption(o);
        }
        CommandModel.addStandardHelpOptions(spec);
        return spec;
    }

    private static OptionSpec.Builder option(String... names) {
        return OptionSpec.builder(names);
    }

    @Override
    public Integer call() {
        PrintStream err = System.err;
        try {
            return export(err);
        } catch (InvalidRequestException e) {
            return fail(err, e, CliWording.message(e), Main.EXIT_BAD_INPUT);
        } catch (ConfigException e) {
            // As for every other command that reads a config (NodeCommand): a broken or missing --config is bad input.
            return fail(err, e, Main.EXIT_BAD_INPUT);
        } catch (SourceUnavailableException e) {
            return fail(err, e, Main.EXIT_SOURCE_UNREACHABLE);
        } catch (ExportFailedException e) {
            // The local operator reads the database's whole text, which API callers do not.
            return fail(err, e, e.operatorMessage(),
                    ProblemCode.SOURCE_UNAVAILABLE.code().equals(e.code()) ? Main.EXIT_SOURCE_UNREACHABLE : Main.EXIT_FAILURE);
        } catch (ExportCancelledException e) {
            return fail(err, e, Main.EXIT_FAILURE);
        } catch (RuntimeException | IOException e) {
            return fail(err, e, Main.EXIT_FAILURE);
        }
    }

    private int fail(PrintStream err, Exception e, int code) {
        return fail(err, e, e.getMessage(), code);
    }

    private int fail(PrintStream err, Exception e, String message, int code) {
        // Database messages can run over several lines (PostgreSQL's Detail/Hint/Where); an error is one line.
        err.println("freight: error: " + String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; "));
        if (verbose.<Boolean>getValue()) e.printStackTrace(err);
        return code;
    }

    private int export(PrintStream err) throws IOException {
        String output = this.output.getValue();
        Map<String, String> labels = this.labels.getValue();
        List<String> where = this.where.getValue();
        List<String> sort = this.sort.getValue();
        List<String> ids = this.ids.getValue();
        String progress = this.progress.getValue();
        ExportFormat exportFormat = ExportFormat.fromId(format.getValue());
        Map<String, Object> options = new LinkedHashMap<>(formatOptions.<Map<String, String>>getValue());
        if (!labels.isEmpty()) options.put("labels", labels);
        ExportRequest request = ExportRequest.of(table.getValue(), exportFormat.id())
                .withColumns(columns.getValue())
                .withFilters(where.stream().map(ExportCommand::parseWhere).toList())
                .withSort(sort.stream().map(ExportCommand::parseSort).toList())
                .withRowLimit(limit.getValue())
                .withIds(new ArrayList<>(ids))
                .withDateRange(dateFrom.getValue(), dateTo.getValue())
                .withCompress(gzip.getValue())
                .withOptions(options)
                .withSeries(SeriesFlag.parse(this.series.getValue()));
        FormatOptions.parse(exportFormat, options);
        boolean showProgress = switch (progress) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> Terminal.isStderrTerminal();
            default -> throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "progress",
                    "--progress must be auto, always or never, got '" + progress + "'");
        };

        if (!"-".equals(output)) checkOutput(Path.of(output));
        // A picture of a series (-f png or pdf_visual) is drawn by a browser of its own, started for this export.
        try (SourceRegistry registry = sourceOptions.registry();
             ChromiumRenderer renderer = exportFormat.visual() ? ChromiumRenderer.start(ChromiumRenderer.Settings.defaults()) : null) {
            ExportService exports = renderer == null ? ExportService.unrestricted(registry)
                    : ExportService.unrestricted(registry).withRenderer(renderer);
            PreparedExport prepared = exports.prepare(request, ExportService.OPERATOR);
            OptionalLong total = showProgress ? prepared.rowCount().value() : OptionalLong.empty();
            ProgressBar bar = showProgress ? new ProgressBar(err, total) : null;
            ExportListener listener = bar == null ? ExportListener.NONE : bar::update;
            CancellationToken cancel = new CancellationToken();
            CountDownLatch cleanedUp = new CountDownLatch(1);
            // Ctrl-C: the JVM halts once its hooks return, so the hook waits for the export to stop and remove
            // its partial file.
            Thread onInterrupt = new Thread(() -> {
                cancel.cancel();
                try {
                    cleanedUp.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "freight-cancel");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            ExportResult result;
            try {
                ExportSink sink = "-".equals(output) ? Sinks.stream(new FileOutputStream(java.io.FileDescriptor.out))
                        : Sinks.file(Path.of(output));
                result = exports.run(prepared, sink, listener, cancel);
            } finally {
                if (bar != null) bar.clear();
                cleanedUp.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: the export is being cancelled
                }
            }
            if (!quiet.<Boolean>getValue()) {
                String destination = "-".equals(output) ? "stdout" : output;
                err.println(prepared.visual() != null ? Summary.pictureLine(result, prepared.format().id(), destination)
                        : Summary.line(result, destination));
            }
            return Main.EXIT_OK;
        }
    }

    /** Refused before the source is even opened: a bad -o is bad input, and nothing should run for it. */
    private static void checkOutput(Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OUTPUT, "output", "output '" + target + "' is a directory");
        }
        if (absolute.getParent() != null && !Files.isDirectory(absolute.getParent())) {
            throw Sinks.cannotWrite(target, "its directory does not exist");
        }
    }

    /** {@code col op value}; the value is the rest of the text, optionally in single or double quotes. */
    static Filter parseWhere(String text) {
        String[] parts = text.trim().split("\\s+", 3);
        if (parts.length < 2) {
            throw new InvalidRequestException(ProblemCode.INVALID_FILTER, "where", "filter '" + text
                    + "' must look like 'column op value', e.g. 'status eq paid' or 'discount is_null'");
        }
        String value = parts.length == 3 ? unquote(parts[2]) : null;
        return new Filter(parts[0], parts[1], value);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    static SortKey parseSort(String text) {
        int colon = text.lastIndexOf(':');
        return colon < 0 ? new SortKey(text.trim(), "asc") : new SortKey(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
    }
}
