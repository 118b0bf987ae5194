package dev.freight.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freight.engine.Checkpoint;
import dev.freight.storage.FileStore;

import java.util.Optional;

/**
 * A job's checkpoint as the job store keeps it: the engine's {@link Checkpoint} (rows, last key, row end) and the
 * file store's unfinished upload that holds at least those bytes ({@code stored}). Stored as JSON text; a key is a
 * JSON number or string, read back as a Long or a String.
 */
record JobCheckpoint(Checkpoint checkpoint, FileStore.Stored stored) {
    /** Longer than this (a key of very long text), a checkpoint is not kept: the job would start over. */
    static final int MAX_JSON = 4000;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    Optional<String> json() {
        ObjectNode n = JSON.createObjectNode();
        n.put("rows", checkpoint.rows());
        if (checkpoint.key() instanceof Long l) n.put("key", l);
        else n.put("key", String.valueOf(checkpoint.key()));
        n.put("row_end", checkpoint.rowEnd());
        n.put("stored", stored.bytes());
        n.put("upload", stored.upload());
        String text = n.toString();
        return text.length() <= MAX_JSON ? Optional.of(text) : Optional.empty();
    }

    /** Empty for none, or for text this version cannot read (the job then starts over). */
    static Optional<JobCheckpoint> read(String json) {
        if (json == null || json.isBlank()) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(json);
            JsonNode key = n.get("key");
            Object k = key.isIntegralNumber() ? (Object) key.asLong() : key.asText();
            return Optional.of(new JobCheckpoint(new Checkpoint(n.get("rows").asLong(), k, n.get("row_end").asLong()),
                    new FileStore.Stored(n.get("stored").asLong(), n.get("upload").asText())));
        } catch (Exception unreadable) {
            return Optional.empty();
        }
    }
}
