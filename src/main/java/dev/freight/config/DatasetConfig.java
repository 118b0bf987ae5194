package dev.freight.config;

import java.util.List;
import java.util.Optional;

/**
 * A dataset defined in the config, on top of the tables discovered from the sources' catalogs: a table exported
 * under another name ({@link TableDataset}) or a named read-only query ({@link SqlDataset}). The optional time
 * column enables date-range filters; the optional key (one or more columns) enables selection by id and keyset
 * checkpoints. Whether those columns exist is checked against the catalog at start-up, not here.
 */
public sealed interface DatasetConfig permits TableDataset, SqlDataset {

    String name();

    /** The name of a configured source, or {@value FreightConfig#DEMO_SOURCE} for the built-in demo. */
    String source();

    Optional<String> timeColumn();

    List<String> key();
}
