package dev.freight.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.config.RolesConfig;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who is calling: a name (the owner of the jobs they create), one role, and attributes that row filters bind as
 * parameters ({@code tenant_id = :tenant_id}).
 *
 * <p>Roles: {@value #ADMIN} sees and manages everything; {@value #USER} (built in) may export every dataset
 * unrestricted but sees only its own jobs; any other name is a role defined in the config's {@code roles}.
 */
public record Principal(String name, String role, Map<String, String> attributes) {
    public static final String ADMIN = RolesConfig.ADMIN;
    public static final String USER = RolesConfig.USER;

    public Principal {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("principal name must not be blank");
        role = role == null || role.isBlank() ? USER : role;
        attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    public static Principal admin(String name) {
        return new Principal(name, ADMIN, Map.of());
    }

    public static Principal user(String name) {
        return new Principal(name, USER, Map.of());
    }

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** Made on first use: a one-shot CLI export has a principal but never stores its attributes. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** The attributes as stored beside a job or key: a JSON object of strings, or null when there are none. */
    public String attributesJson() {
        try {
            return attributes.isEmpty() ? null : Json.MAPPER.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("attributes are strings and always serialise", e);
        }
    }

    /** Reads {@link #attributesJson()}; null is no attributes. */
    public static Map<String, String> attributesFromJson(String json) {
        if (json == null) return Map.of();
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable principal attributes: " + e.getOriginalMessage(), e);
        }
    }
}
