package io.strata.config;

/** A configuration variable Strata knows: its name, its default (null: unset) and whether its value is secret. */
public record Variable(String name, String defaultValue, boolean secret) {

    static Variable of(String name, String defaultValue) {
        return new Variable(name, defaultValue, false);
    }

    static Variable secret(String name, String defaultValue) {
        return new Variable(name, defaultValue, true);
    }
}
