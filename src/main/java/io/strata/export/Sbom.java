package io.strata.export;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The SPDX 2.3 document (JSON) beside an image: the image as the described package, containing
 * every installed Debian package with its version, architecture, source package, purl
 * ({@code pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=CODENAME}) and the license its
 * machine-readable copyright file declares.
 */
final class Sbom {

    private static final String NOASSERTION = "NOASSERTION";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Sbom() {
    }

    static String render(String imageName, String codename, List<DebPackage> packages, String strataVersion,
            Instant created, UUID namespace) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("dataLicense", "CC0-1.0");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", imageName);
        doc.put("documentNamespace", "https://strata.invalid/spdx/" + id(imageName) + "-" + namespace);
        doc.put("creationInfo", ordered("created", created.truncatedTo(ChronoUnit.SECONDS).toString(),
                "creators", List.of("Tool: strata-" + strataVersion)));
        String imageId = "SPDXRef-Image-" + id(imageName);
        List<Map<String, Object>> spdxPackages = new ArrayList<>();
        List<Map<String, Object>> relationships = new ArrayList<>();
        relationships.add(relationship("SPDXRef-DOCUMENT", "DESCRIBES", imageId));
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("name", imageName);
        image.put("SPDXID", imageId);
        image.put("downloadLocation", NOASSERTION);
        image.put("filesAnalyzed", false);
        image.put("primaryPackagePurpose", "OPERATING_SYSTEM");
        image.put("supplier", "Organization: Strata build");
        spdxPackages.add(image);
        Map<String, String> references = new TreeMap<>();
        for (DebPackage deb : packages) {
            String packageId = "SPDXRef-Package-deb-" + id(deb.name()) + "-" + id(deb.architecture());
            spdxPackages.add(spdxPackage(deb, packageId, codename, references));
            relationships.add(relationship(imageId, "CONTAINS", packageId));
        }
        doc.put("packages", spdxPackages);
        doc.put("relationships", relationships);
        if (!references.isEmpty()) {
            List<Map<String, Object>> extracted = new ArrayList<>();
            references.forEach((ref, debianName) -> extracted.add(ordered("licenseId", ref, "name", debianName,
                    "extractedText", "The license named \"" + debianName + "\" in the package's Debian copyright file "
                            + "(/usr/share/doc/PACKAGE/copyright in the image).")));
            doc.put("hasExtractedLicensingInfos", extracted);
        }
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an SBOM of plain maps and strings cannot fail to serialise", e);
        }
    }

    private static Map<String, Object> spdxPackage(DebPackage deb, String packageId, String codename,
            Map<String, String> references) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", deb.name());
        p.put("SPDXID", packageId);
        p.put("versionInfo", deb.version());
        if (!deb.maintainer().isBlank()) {
            p.put("supplier", supplier(deb.maintainer()));
        }
        p.put("downloadLocation", NOASSERTION);
        if (deb.homepage().startsWith("http")) {
            p.put("homepage", deb.homepage());
        }
        p.put("filesAnalyzed", false);
        p.put("sourceInfo", "built package from: " + deb.source() + " " + deb.sourceVersion());
        p.put("licenseConcluded", NOASSERTION);
        Optional<String> license = DebianLicenses.spdx(deb.debianLicense());
        license.filter(DebianLicenses::isReference).ifPresent(ref -> references.put(ref, deb.debianLicense().strip()));
        p.put("licenseDeclared", license.orElse(NOASSERTION));
        p.put("copyrightText", NOASSERTION);
        p.put("externalRefs", List.of(ordered("referenceCategory", "PACKAGE-MANAGER", "referenceType", "purl",
                "referenceLocator", purl(deb, codename))));
        return p;
    }

    /** A package URL as the purl specification writes Debian packages. */
    static String purl(DebPackage deb, String codename) {
        StringBuilder purl = new StringBuilder("pkg:deb/debian/").append(encode(deb.name())).append('@')
                .append(encode(deb.version())).append("?arch=").append(encode(deb.architecture()))
                .append("&distro=").append(encode(codename));
        if (!deb.source().equals(deb.name()) || !deb.sourceVersion().equals(deb.version())) {
            purl.append("&upstream=").append(encode(deb.source() + "@" + deb.sourceVersion()));
        }
        return purl.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
    }

    /** "Name <mail>" as SPDX's "Person: Name (mail)", or "Organization:" for a team or a list. */
    private static String supplier(String maintainer) {
        String name = maintainer.replaceAll("\\s*<[^>]*>", "").strip();
        String mail = maintainer.matches(".*<([^>]*)>.*") ? maintainer.replaceAll(".*<([^>]*)>.*", "$1") : "";
        boolean group = name.matches("(?i).*\\b(team|maintainers|developers|project|group)\\b.*");
        return (group ? "Organization: " : "Person: ") + name + (mail.isEmpty() ? "" : " (" + mail + ")");
    }

    /**
     * A JSON object whose members are written in the order given: Map.of's order changes from one run
     * of the JVM to the next, and the SBOM of one image must be the same bytes every time.
     */
    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    private static Map<String, Object> relationship(String from, String type, String to) {
        return ordered("spdxElementId", from, "relationshipType", type, "relatedSpdxElement", to);
    }

    /** An SPDX id part: letters, digits, "." and "-" only. */
    private static String id(String text) {
        return text.replaceAll("[^A-Za-z0-9.]+", "-");
    }
}
