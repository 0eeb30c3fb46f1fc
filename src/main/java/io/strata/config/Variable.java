package io.strata.config;

/**
 * A configuration variable Strata knows: its name, its default (null: unset), whether its value is
 * secret, and what it means in one line (the template config of {@code ./build --new} shows it).
 */
public record Variable(String name, String defaultValue, boolean secret, String meaning) {

    static Variable of(String name, String defaultValue, String meaning) {
        return new Variable(name, defaultValue, false, meaning);
    }

    static Variable secret(String name, String defaultValue, String meaning) {
        return new Variable(name, defaultValue, true, meaning);
    }
}
