package io.strata.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The variables of a build as bash left them after sourcing the config files, with the environment's
 * values on top and nothing validated yet: Strata's known variables, and the user's own ones
 * ({@code custom}) that the config file set.
 */
public record RawConfig(Map<String, String> values, Set<String> custom) {

    public RawConfig {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        custom = Set.copyOf(custom);
    }

    public String get(String name) {
        return values.get(name);
    }

    public String getOrEmpty(String name) {
        String value = values.get(name);
        return value == null ? "" : value;
    }
}
