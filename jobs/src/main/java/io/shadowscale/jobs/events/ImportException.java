package io.shadowscale.jobs.events;

/** A file that cannot be imported, with the 1-based line where the problem is (0 when it is the whole file). */
public class ImportException extends Exception {
    private final String file;
    private final int line;

    public ImportException(String file, int line, String message) {
        super(file + (line > 0 ? " line " + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
