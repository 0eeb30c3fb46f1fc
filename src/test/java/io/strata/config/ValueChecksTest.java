package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Values that land in the image's files: each is refused unless a stage can write it verbatim. */
class ValueChecksTest {

    private static List<String> problems(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        try {
            ConfigValidator.validate(ConfigValidatorTest.raw(map));
            return List.of();
        } catch (BadInputException e) {
            return e.problems();
        }
    }

    private static void refused(String name, String value, String says) {
        assertThat(problems(name, value)).as(name + "=" + value).singleElement().asString().contains(says);
    }

    private static void accepted(String... pairs) {
        assertThat(problems(pairs)).as(String.join(" ", pairs)).isEmpty();
    }

    @Test
    void hostNamesFollowRfc1123() {
        accepted("TARGET_HOSTNAME", "raspberrypi");
        accepted("TARGET_HOSTNAME", "kiosk-7.example.org");
        refused("TARGET_HOSTNAME", "my_host", "is not a host name");
        refused("TARGET_HOSTNAME", "-dash", "is not a host name");
        refused("TARGET_HOSTNAME", "a\n127.0.0.1 evil", "'a\\x0a127.0.0.1 evil'");
        refused("TARGET_HOSTNAME", "x".repeat(64), "is not a host name");
    }

    @Test
    void localesAreGlibcNames() {
        accepted("LOCALE_DEFAULT", "de_DE.UTF-8");
        accepted("LOCALE_DEFAULT", "C.UTF-8");
        accepted("LOCALE_DEFAULT", "sr_RS.UTF-8@latin");
        refused("LOCALE_DEFAULT", "en_US.UTF-8/e reboot", "LOCALE_DEFAULT='en_US.UTF-8/e reboot' is not valid");
        refused("LOCALE_DEFAULT", "english", "language_TERRITORY.charset");
    }

    @Test
    void timeZonesAreTzDatabaseNames() {
        accepted("TIMEZONE_DEFAULT", "America/Argentina/Buenos_Aires");
        accepted("TIMEZONE_DEFAULT", "UTC");
        accepted("TIMEZONE_DEFAULT", "Etc/GMT+5");
        refused("TIMEZONE_DEFAULT", "../../etc/passwd", "is not a tz database name");
        refused("TIMEZONE_DEFAULT", "/etc/passwd", "is not a tz database name");
        refused("TIMEZONE_DEFAULT", "Europe/..", "is not a tz database name");
    }

    @Test
    void keyboardValuesStayInTheirFiles() {
        accepted("KEYBOARD_KEYMAP", "gb", "KEYBOARD_LAYOUT", "English (UK)");
        accepted("KEYBOARD_LAYOUT", "German (Switzerland, legacy)");
        refused("KEYBOARD_KEYMAP", "us\"\nXKBOPTIONS=\"evil", "KEYBOARD_KEYMAP=");
        refused("KEYBOARD_LAYOUT", "English\tstring\tx", "KEYBOARD_LAYOUT=");
    }

    @Test
    void wifiValuesAreBoundedAndPrintable() {
        accepted("WPA_ESSID", "Cafe \"Guest\" \u00e9", "WPA_PASSWORD", "correct horse battery", "WPA_COUNTRY", "GB");
        refused("WPA_ESSID", "x".repeat(33), "WPA_ESSID has 33 bytes");
        assertThat(problems("WPA_ESSID", "\u00e9".repeat(17))).singleElement().asString().contains("34 bytes");
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "caf\u00e9-secret")).singleElement().asString()
                .contains("not printable ASCII").doesNotContain("secret");
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "tab\tinside-it")).singleElement().asString()
                .contains("not printable ASCII");
        assertThat(problems("WPA_PASSWORD", "no-network-name")).singleElement().asString().contains("WPA_ESSID is not");
        refused("WPA_COUNTRY", "XX", "not an ISO 3166-1 alpha-2 country code");
        refused("WPA_COUNTRY", "de", "not an ISO 3166-1 alpha-2 country code");
    }

    @Test
    void publicKeysAreOneKeyOnOneLine() {
        accepted("PUBKEY_SSH_FIRST_USER", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDx me@laptop");
        refused("PUBKEY_SSH_FIRST_USER", "ssh-ed25519 AAAA x\ncommand=\"rm -rf /\" ssh-rsa AAAA", "one SSH public key on one line");
        refused("PUBKEY2_SSH_FIRST_USER", "not a key", "PUBKEY2_SSH_FIRST_USER is not one SSH public key");
    }

    @Test
    void theFirstUserIsNewAndHasAPassword() {
        refused("FIRST_USER_NAME", "root", "an account or group the system already has");
        refused("FIRST_USER_NAME", "sudo", "an account or group the system already has");
        refused("FIRST_USER_PASS", "", "FIRST_USER_PASS is empty");
    }

    @Test
    void aptProxyIsAUrlAptConfCanQuote() {
        accepted("APT_PROXY", "http://user:p%40ss@cache.lan:3142/");
        refused("APT_PROXY", "http://cache:3142\"; Dir::Etc \"/tmp", "is not a proxy URL apt can use");
        refused("APT_PROXY", "http://cache :3142", "is not a proxy URL apt can use");
    }

    @Test
    void imgNameNamesNoDirectoryAbove() {
        refused("IMG_NAME", "..", "would name a directory outside the work dirs");
        refused("IMG_NAME", ".", "would name a directory outside the work dirs");
    }

    @Test
    void buildDirectoriesAreTheirOwnAndSideBySide() {
        assertThat(problems("WORK_DIR", "/")).as("/ also holds the deploy dir, the cache and Strata")
                .anySatisfy(p -> assertThat(p).contains("WORK_DIR=/ is the root or a system directory"))
                .anySatisfy(p -> assertThat(p).contains("DEPLOY_DIR=/srv/strata/deploy lies inside WORK_DIR=/"));
        refused("DEPLOY_DIR", "/etc", "DEPLOY_DIR=/etc is the root or a system directory");
        assertThat(problems("PACKAGE_CACHE_DIR", "/"))
                .anySatisfy(p -> assertThat(p).contains("PACKAGE_CACHE_DIR=/ is the root or a system directory"));
        refused("WORK_DIR", "/srv/strata/deploy/work", "WORK_DIR=/srv/strata/deploy/work lies inside DEPLOY_DIR=/srv/strata/deploy");
        refused("DEPLOY_DIR", "/srv/strata/work/test", "is the same directory as");
        refused("PACKAGE_CACHE_DIR", "/srv/strata/work/test/cache", "PACKAGE_CACHE_DIR=/srv/strata/work/test/cache lies inside WORK_DIR");
        assertThat(problems("WORK_DIR", "/srv")).anySatisfy(p -> assertThat(p).contains("holds Strata itself"));
        accepted("WORK_DIR", "/tmp/strata-work", "DEPLOY_DIR", "/tmp/strata-deploy");
        refused("PACKAGE_CACHE_DIR", "/tmp/$(reboot)", "holds characters that the build's tools");
    }
}
