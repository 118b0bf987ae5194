/**
 * The one owner of "run an export for a principal under their limits": {@code ExportService} prepares a request
 * (validation, permissions, the single row count, up-front refusals) and runs it into an {@code ExportSink} (HTTP
 * response, file store, local file or stdout, buffer), applying max_rows, max_file_bytes, audit and metrics exactly
 * once; and the configured reports ({@code Reports}), each widget's data an export request. Uses {@code engine},
 * {@code access}, {@code audit}, {@code auth}, {@code storage}, {@code config} and below; never {@code job},
 * {@code http} or {@code cli}, which call it.
 */
package dev.freight.export;
