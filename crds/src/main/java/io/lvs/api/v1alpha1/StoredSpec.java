package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a spec read from the API server may carry beside its fields: when the stored spec could not be read (a field of
 * the wrong JSON type, from a server that skipped the schema), this object holds only the defaults, says why, and keeps
 * the stored JSON to write back. Nothing here is serialized as a field.
 */
public abstract class StoredSpec {
    @JsonIgnore
    private String unreadable;

    @JsonIgnore
    private JsonNode raw;

    /**
     * Why the stored spec could not be read, naming the field and the expected type; this object then holds only the
     * defaults and must not be served (validation reports it).
     */
    public Optional<String> unreadable() {
        return Optional.ofNullable(unreadable);
    }

    /**
     * Marks this (default) spec as standing in for {@code raw}, which could not be read; it is written back as
     * {@code raw}, so a copy of the object (a cache's clone) is marked again and a status update loses nothing.
     */
    public void markUnreadable(String why, JsonNode raw) {
        this.unreadable = why;
        this.raw = raw;
    }

    /** The stored spec this one stands in for, when it could not be read. */
    public Optional<JsonNode> raw() {
        return Optional.ofNullable(raw);
    }
}
