package io.strata.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.ConfigLoader;
import io.strata.config.ConfigValidator;
import io.strata.config.RawConfig;
import io.strata.config.Variables;

/** A validated config for unit tests: every variable's default, then {@code pairs} (name, value, ...). */
public final class TestConfig {

    private TestConfig() {
    }

    public static BuildConfig of(Map<String, String> values, String... pairs) throws BadInputException {
        Map<String, String> all = new HashMap<>();
        Variables.ALL.stream().filter(v -> v.defaultValue() != null).forEach(v -> all.put(v.name(), v.defaultValue()));
        all.putAll(values);
        for (int i = 0; i < pairs.length; i += 2) {
            all.put(pairs[i], pairs[i + 1]);
        }
        all.putIfAbsent("SOURCE_DATE_EPOCH", Long.toString(ConfigLoader.midnightOf(all.getOrDefault("IMG_DATE", ""))));
        return ConfigValidator.validate(new RawConfig(all, Set.of()));
    }
}
