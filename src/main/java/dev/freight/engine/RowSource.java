package dev.freight.engine;

import java.io.IOException;

/** Something that streams typed rows. Rows arrive one by one in one array that is reused for every row. */
public interface RowSource {
    /** Returns the number of rows streamed. */
    long stream(RowConsumer consumer) throws IOException;

    @FunctionalInterface
    interface RowConsumer {
        void accept(Object[] row) throws IOException;
    }
}
