/**
 * Where finished export files live ({@code FileStore}): a local directory, or an S3-compatible bucket (multipart
 * uploads, presigned downloads). A file is published only when complete: renamed into place, or completed in S3.
 * Uses nothing of Freight.
 */
package dev.freight.storage;
