package io.strata.boot;

/** One line of the boot check's table. */
public record CheckResult(String name, Status status, String detail) {

    public enum Status { PASS, FAIL, SKIP }

    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, Status.PASS, detail);
    }

    public static CheckResult fail(String name, String detail) {
        return new CheckResult(name, Status.FAIL, detail);
    }

    public static CheckResult skip(String name, String detail) {
        return new CheckResult(name, Status.SKIP, detail);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
