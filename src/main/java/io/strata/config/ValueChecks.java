package io.strata.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values that land in files of the image (hostname, locale, keyboard, Wi-Fi, keys, mount options,
 * the proxy): each is checked against the syntax of what it becomes, so that a stage script can write
 * it verbatim. Pure: every problem is added to the list, with what to write instead.
 */
final class ValueChecks {

    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** language[_TERRITORY][.charset][@modifier], as glibc names its locales (C.UTF-8 and POSIX too). */
    private static final Pattern LOCALE = Pattern.compile(
            "(C|POSIX|C\\.UTF-8|[a-z]{2,3}(_[A-Z]{2})?(\\.(UTF-8|ISO-8859-[0-9]{1,2}|EUC-[A-Z]{2}|GB18030|GB2312|GBK|BIG5|"
                    + "BIG5-HKSCS|KOI8-[RUT]|CP125[0-9]|TIS-620|GEORGIAN-PS|TCVN5712-1|ARMSCII-8|PT154|RK1048|SHIFT_JIS))?"
                    + "(@[a-z]+)?)");
    /** A tz database name: Area/Location segments, no "." or ".." and no absolute path. */
    private static final Pattern TIMEZONE = Pattern.compile("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*){0,2}");
    /** An XKB layout code, or several separated by commas (us, gb, de, us,ru). */
    private static final Pattern KEYMAP = Pattern.compile("[a-z][a-z0-9_-]{0,15}(,[a-z][a-z0-9_-]{0,15}){0,3}");
    /** A layout's description as debconf lists it: "English (US)", "German (Switzerland, legacy)". */
    private static final Pattern KEYBOARD_LAYOUT = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} (),.'/_-]{0,79}");
    private static final Pattern MOUNT_OPTIONS = Pattern.compile("[A-Za-z0-9_.:/+=-]+(,[A-Za-z0-9_.:/+=-]+)*");
    private static final Pattern PUBLIC_KEY = Pattern.compile(
            "(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com"
                    + "|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}( [\\x20-\\x7e]*)?");
    /** An http(s) URL that apt.conf can quote: no quotes, spaces, backslashes, semicolons or braces. */
    private static final Pattern APT_URL = Pattern.compile("https?://[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,=%-]+");
    /** One apt source line: deb, optional [options], a URI, a suite and components; nothing a shell or apt reads twice. */
    private static final Pattern APT_SOURCE = Pattern.compile(
            "deb(-src)? (\\[[A-Za-z0-9=,._/:+-]+( [A-Za-z0-9=,._/:+-]+)*\\] )?(https?|file|cdrom|ftp)://?[A-Za-z0-9._~:/?@!&'()*+,=%-]+"
                    + " [A-Za-z0-9._/+-]+( [A-Za-z0-9._+-]+)*");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    /** Accounts and groups a Debian system already has, or that the stock stages create (useradd would fail or merge). */
    private static final Set<String> SYSTEM_ACCOUNTS = Set.of("root", "daemon", "bin", "sys", "sync", "games", "man",
            "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "gnats", "nobody", "nogroup",
            "_apt", "systemd-network", "systemd-resolve", "systemd-timesync", "systemd-journal", "systemd-coredump",
            "messagebus", "sshd", "polkitd", "avahi", "lightdm", "sddm", "adm", "tty", "disk", "kmem", "dialout", "fax",
            "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip", "operator", "src", "shadow", "utmp", "video",
            "sasl", "plugdev", "staff", "users", "netdev", "input", "render", "kvm", "crontab", "ssh", "tss");

    private final RawConfig raw;
    private final List<String> problems;

    ValueChecks(RawConfig raw, List<String> problems) {
        this.raw = raw;
        this.problems = problems;
    }

    void all() {
        hostname();
        matches("LOCALE_DEFAULT", LOCALE, "a locale glibc names as language_TERRITORY.charset, for example "
                + "LOCALE_DEFAULT=en_GB.UTF-8 (see /usr/share/i18n/SUPPORTED)");
        timezone();
        matches("KEYBOARD_KEYMAP", KEYMAP, "an XKB layout code, for example KEYBOARD_KEYMAP=gb");
        matches("KEYBOARD_LAYOUT", KEYBOARD_LAYOUT, "the layout's name as the keyboard-configuration package lists it, "
                + "for example KEYBOARD_LAYOUT=\"English (UK)\" (letters, digits, spaces and ( ) , . ' / _ -)");
        matches("BOOT_FSOPTIONS", MOUNT_OPTIONS, "mount options separated by commas, without spaces, for example "
                + "BOOT_FSOPTIONS=rw,noatime");
        wifi();
        publicKey("PUBKEY_SSH_FIRST_USER");
        publicKey("PUBKEY2_SSH_FIRST_USER");
        firstUser();
        aptProxy();
        tempRepo();
        imgName();
    }

    private void hostname() {
        String value = raw.getOrEmpty("TARGET_HOSTNAME");
        boolean valid = !value.isEmpty() && value.length() <= 253 && !value.endsWith(".")
                && List.of(value.split("\\.", -1)).stream().allMatch(label -> HOST_LABEL.matcher(label).matches());
        if (!valid) {
            problems.add("TARGET_HOSTNAME=" + quoted(value) + " is not a host name (RFC 1123: letters, digits and -, "
                    + "at most 63 per dot-separated label, not starting or ending with -): for example TARGET_HOSTNAME=raspberrypi");
        }
    }

    private void timezone() {
        String value = raw.getOrEmpty("TIMEZONE_DEFAULT");
        if (!TIMEZONE.matcher(value).matches() || List.of(value.split("/")).contains("..")) {
            problems.add("TIMEZONE_DEFAULT=" + quoted(value) + " is not a tz database name: write Area/Location, for "
                    + "example TIMEZONE_DEFAULT=Europe/London or TIMEZONE_DEFAULT=UTC");
        }
    }

    private void wifi() {
        String essid = raw.getOrEmpty("WPA_ESSID");
        int essidBytes = essid.getBytes(StandardCharsets.UTF_8).length;
        if (essidBytes > 32) {
            problems.add("WPA_ESSID has " + essidBytes + " bytes, but a network name has 1 to 32: correct it, or leave "
                    + "WPA_ESSID unset for no Wi-Fi");
        }
        String password = raw.getOrEmpty("WPA_PASSWORD");
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (!password.isEmpty() && (bytes < 8 || bytes > 63)) {
            problems.add("WPA_PASSWORD has " + bytes + " characters, but a WPA passphrase has 8 to 63: "
                    + "correct it, or leave WPA_PASSWORD unset for an open network");
        } else if (!password.isEmpty() && !password.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            problems.add("WPA_PASSWORD holds a character that is not printable ASCII, which a WPA passphrase cannot "
                    + "(wpa_passphrase): use letters, digits, spaces and punctuation only");
        }
        if (!password.isEmpty() && essid.isEmpty()) {
            problems.add("WPA_PASSWORD is set but WPA_ESSID is not: name the network with WPA_ESSID=...");
        }
        String country = raw.getOrEmpty("WPA_COUNTRY");
        if (!country.isEmpty() && !COUNTRIES.contains(country)) {
            problems.add("WPA_COUNTRY=" + quoted(country) + " is not an ISO 3166-1 alpha-2 country code: write two "
                    + "capital letters, for example WPA_COUNTRY=GB");
        }
    }

    private void publicKey(String name) {
        String value = raw.getOrEmpty(name);
        if (!value.isEmpty() && !PUBLIC_KEY.matcher(value).matches()) {
            problems.add(name + " is not one SSH public key on one line (TYPE BASE64 [COMMENT], TYPE such as ssh-ed25519 "
                    + "or ssh-rsa): paste the single line of your ~/.ssh/id_ed25519.pub, without options");
        }
    }

    private void firstUser() {
        String name = raw.getOrEmpty("FIRST_USER_NAME");
        if (SYSTEM_ACCOUNTS.contains(name) || name.startsWith("systemd-")) {
            problems.add("FIRST_USER_NAME=" + name + " is an account or group the system already has: choose your own "
                    + "user name, for example FIRST_USER_NAME=pi");
        }
        if (raw.getOrEmpty("FIRST_USER_PASS").isEmpty()) {
            problems.add("FIRST_USER_PASS is empty, which would leave the first user without a usable password: set "
                    + "FIRST_USER_PASS to a password of your own");
        }
    }

    private void aptProxy() {
        String value = raw.getOrEmpty("APT_PROXY");
        if (!value.isEmpty() && !APT_URL.matcher(value).matches()) {
            problems.add("APT_PROXY=" + quoted(value) + " is not a proxy URL apt can use: write http://HOST:PORT (for "
                    + "example APT_PROXY=http://127.0.0.1:3142), with quotes, spaces, backslashes, ; { } percent-encoded");
        }
    }

    private void tempRepo() {
        String value = raw.getOrEmpty("TEMP_REPO");
        if (!value.isEmpty() && !APT_SOURCE.matcher(value).matches()) {
            problems.add("TEMP_REPO=" + quoted(value) + " is not one apt source line: write deb [OPTIONS] URI SUITE "
                    + "COMPONENT..., for example TEMP_REPO=\"deb http://apt.example.org/debian RELEASE main\" (RELEASE "
                    + "stands for the release); no quotes, $, backslashes or line breaks");
        }
    }

    private void imgName() {
        String value = raw.getOrEmpty("IMG_NAME");
        if (".".equals(value) || "..".equals(value) || value.startsWith("-")) {
            problems.add("IMG_NAME=" + quoted(value) + " would name a directory outside the work dirs (WORK_DIR is "
                    + "BASE_DIR/work/IMG_NAME) or read as an option: choose a name such as IMG_NAME=myimage");
        }
    }

    private void matches(String name, Pattern pattern, String advice) {
        String value = raw.getOrEmpty(name);
        if (!pattern.matcher(value).matches()) {
            problems.add(name + "=" + quoted(value) + " is not valid: write " + advice);
        }
    }

    /** A value as a message shows it: quoted, with control characters made visible. */
    static String quoted(String value) {
        StringBuilder shown = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                shown.append(String.format("\\x%02x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.append(value.length() > 80 ? "...'" : "'").toString();
    }
}
