package io.strata.config;

import java.util.regex.Pattern;

/**
 * The commented template config {@code ./build --new} writes: every variable of {@link Variables#ALL}
 * with its meaning and its default, as a line to uncomment. Rendered from the table the validator
 * reads, so it names exactly the variables Strata accepts, with the defaults it applies.
 */
public final class TemplateConfig {

    /** What the template sets, since a build needs it and it has no default. */
    static final String IMG_NAME_EXAMPLE = "my-image";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:+,=@%-]+");

    private TemplateConfig() {
    }

    public static String render() {
        StringBuilder text = new StringBuilder("""
                # A Strata config: a bash fragment that sets variables (written by ./build --new).
                # Every variable Strata reads is below with what it means and its default. A line starting
                # with # is not read: remove the # to set one. Quote a value that holds spaces.
                # Environment variables override this file: IMG_NAME=other sudo ./build -c FILE.
                # Build with: sudo ./build -c FILE    (README.md, "Configuration", says more of each.)
                """);
        for (Variable variable : Variables.ALL) {
            text.append('\n').append("# ").append(variable.meaning()).append('\n');
            if (variable.name().equals("IMG_NAME")) {
                text.append("IMG_NAME=").append(IMG_NAME_EXAMPLE).append('\n');
            } else {
                text.append('#').append(variable.name()).append('=')
                        .append(variable.defaultValue() == null ? "" : quoted(variable.defaultValue())).append('\n');
            }
        }
        return text.toString();
    }

    /** A value as bash reads it back verbatim: bare when plain, else in single quotes. */
    static String quoted(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
