package io.strata.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's short license names (copyright-format 1.0) as SPDX license expressions. A name SPDX
 * lists is mapped; an expression of such names joined by "or" and "and" keeps its operators; any
 * other name becomes a {@code LicenseRef-} of its own, as SPDX asks for licenses it does not list.
 */
final class DebianLicenses {

    /** Debian's names (lower case) whose SPDX identifier differs or needs the "-only"/"-or-later" form. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("apache-2.0", "Apache-2.0"), Map.entry("apache-2", "Apache-2.0"),
            Map.entry("artistic", "Artistic-1.0-Perl"), Map.entry("artistic-1.0", "Artistic-1.0"),
            Map.entry("artistic-2.0", "Artistic-2.0"),
            Map.entry("bsd-2-clause", "BSD-2-Clause"), Map.entry("bsd-3-clause", "BSD-3-Clause"),
            Map.entry("bsd-4-clause", "BSD-4-Clause"), Map.entry("cc0-1.0", "CC0-1.0"), Map.entry("cc0", "CC0-1.0"),
            Map.entry("expat", "MIT"), Map.entry("mit", "MIT"), Map.entry("isc", "ISC"), Map.entry("zlib", "Zlib"),
            Map.entry("gpl-1", "GPL-1.0-only"), Map.entry("gpl-1+", "GPL-1.0-or-later"),
            Map.entry("gpl-2", "GPL-2.0-only"), Map.entry("gpl-2+", "GPL-2.0-or-later"),
            Map.entry("gpl-2.0", "GPL-2.0-only"), Map.entry("gpl-2.0+", "GPL-2.0-or-later"),
            Map.entry("gpl-3", "GPL-3.0-only"), Map.entry("gpl-3+", "GPL-3.0-or-later"),
            Map.entry("gpl-3.0", "GPL-3.0-only"), Map.entry("gpl-3.0+", "GPL-3.0-or-later"),
            Map.entry("lgpl-2", "LGPL-2.0-only"), Map.entry("lgpl-2+", "LGPL-2.0-or-later"),
            Map.entry("lgpl-2.0", "LGPL-2.0-only"), Map.entry("lgpl-2.0+", "LGPL-2.0-or-later"),
            Map.entry("gpl-1.0+", "GPL-1.0-or-later"), Map.entry("lgpl-2.1-or-later", "LGPL-2.1-or-later"),
            Map.entry("gpl-2.0-or-later", "GPL-2.0-or-later"), Map.entry("gpl-3.0-or-later", "GPL-3.0-or-later"),
            Map.entry("lgpl-2.1", "LGPL-2.1-only"), Map.entry("lgpl-2.1+", "LGPL-2.1-or-later"),
            Map.entry("lgpl-3", "LGPL-3.0-only"), Map.entry("lgpl-3+", "LGPL-3.0-or-later"),
            Map.entry("lgpl-3.0", "LGPL-3.0-only"), Map.entry("lgpl-3.0+", "LGPL-3.0-or-later"),
            Map.entry("agpl-3", "AGPL-3.0-only"), Map.entry("agpl-3+", "AGPL-3.0-or-later"),
            Map.entry("mpl-1.1", "MPL-1.1"), Map.entry("mpl-2.0", "MPL-2.0"), Map.entry("epl-1.0", "EPL-1.0"),
            Map.entry("epl-2.0", "EPL-2.0"), Map.entry("python-2.0", "Python-2.0"), Map.entry("psf-2", "PSF-2.0"),
            Map.entry("openssl", "OpenSSL"), Map.entry("curl", "curl"), Map.entry("ftl", "FTL"),
            Map.entry("x11", "X11"), Map.entry("unicode-dfs-2016", "Unicode-DFS-2016"),
            Map.entry("ofl-1.1", "OFL-1.1"), Map.entry("bsl-1.0", "BSL-1.0"), Map.entry("unlicense", "Unlicense"),
            Map.entry("wtfpl", "WTFPL"), Map.entry("0bsd", "0BSD"), Map.entry("gfdl-1.2+", "GFDL-1.2-or-later"),
            Map.entry("gfdl-1.3+", "GFDL-1.3-or-later"), Map.entry("sleepycat", "Sleepycat"),
            Map.entry("tcl", "TCL"), Map.entry("ruby", "Ruby"), Map.entry("vim", "Vim"), Map.entry("libpng", "Libpng"),
            Map.entry("ijg", "IJG"), Map.entry("bzip2-1.0.6", "bzip2-1.0.6"), Map.entry("cc-by-sa-3.0", "CC-BY-SA-3.0"),
            Map.entry("cc-by-4.0", "CC-BY-4.0"), Map.entry("cc-by-sa-4.0", "CC-BY-SA-4.0"));

    private DebianLicenses() {
    }

    /** The SPDX expression for {@code debianName}; empty when there is none to give (NOASSERTION). */
    static Optional<String> spdx(String debianName) {
        String name = debianName.strip();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (String token : name.split("\\s+")) {
            String lower = token.toLowerCase(Locale.ROOT);
            if (lower.equals("or") || lower.equals("and")) {
                if (parts.isEmpty() || parts.get(parts.size() - 1).equals("OR") || parts.get(parts.size() - 1).equals("AND")) {
                    return Optional.of(reference(name));
                }
                parts.add(lower.toUpperCase(Locale.ROOT));
                continue;
            }
            String id = NAMES.get(lower.replaceAll(",$", ""));
            if (id == null) {
                return Optional.of(reference(name));
            }
            parts.add(id);
        }
        String last = parts.get(parts.size() - 1);
        return Optional.of(last.equals("OR") || last.equals("AND") ? reference(name) : String.join(" ", parts));
    }

    /** {@code LicenseRef-} and the name with every character SPDX does not allow in an id as "-". */
    static String reference(String debianName) {
        return "LicenseRef-" + debianName.strip().replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-|-$", "");
    }

    static boolean isReference(String expression) {
        return expression.startsWith("LicenseRef-");
    }
}
