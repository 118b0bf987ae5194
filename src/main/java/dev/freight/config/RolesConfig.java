package dev.freight.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config's {@code roles}, in file order. The built-in roles {@value #ADMIN} (manages everything) and
 * {@value #USER} (exports every dataset whole) are never among them: they cannot be defined.
 */
public record RolesConfig(Map<String, RoleConfig> roles) {
    public static final String ADMIN = "admin";
    public static final String USER = "user";
    public static final RolesConfig NONE = new RolesConfig(Map.of());

    public RolesConfig {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    }

    public boolean isEmpty() {
        return roles.isEmpty();
    }

    /** {@code admin}, {@code user} and the roles defined here: the roles a key may have. */
    public Set<String> allNames() {
        Set<String> names = new LinkedHashSet<>(List.of(ADMIN, USER));
        names.addAll(roles.keySet());
        return Collections.unmodifiableSet(names);
    }

    /** The refusal of a role not among {@code roles}, listing them. */
    public static String unknownRole(String role, Collection<String> roles) {
        return "unknown role '" + role + "'; roles: " + String.join(", ", roles);
    }
}
