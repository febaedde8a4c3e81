package io.shadowscale.jobs.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A one-line progress display: {@code [#####.....] 45% 12,345/27,000 events 8,123/s}.
 *
 * <p>On a terminal the line is redrawn in place with {@code \r} (at most every 100 ms); otherwise
 * (CI logs, pipes) a plain line is printed at every 10 %. Pass it as the progress callback
 * ({@link #accept}) and call {@link #finish} at the end.
 */
public final class ProgressBar implements LongConsumer {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final long total;
    private final String unit;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long startedNanos;

    private long done;
    private long lastDrawNanos = Long.MIN_VALUE;
    private int lastLength;
    private long lastDecile = 0;
    private boolean finished;

    /** Writes to {@code System.out}, redrawing in place when a console is attached. */
    public ProgressBar(long total, String unit) {
        this(total, unit, System.out, System.console() != null, System::nanoTime);
    }

    /**
     * @param total     expected count; 0 or less when unknown (no bar, no percentage)
     * @param unit      what is counted, e.g. "events"
     * @param terminal  redraw one line with {@code \r} rather than print a line per 10 %
     * @param nanoClock time source for the rate
     */
    public ProgressBar(long total, String unit, PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.startedNanos = nanoClock.getAsLong();
    }

    @Override
    public void accept(long count) {
        update(count);
    }

    /** Records that {@code count} items are done so far. */
    public synchronized void update(long count) {
        done = count;
        long now = nanoClock.getAsLong();
        if (terminal) {
            if (lastDrawNanos == Long.MIN_VALUE || now - lastDrawNanos >= REDRAW_NANOS) {
                redraw(now);
            }
        } else if (total > 0) {
            long decile = Math.min(10, count * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.println(render(count, total, rate(now), unit));
            }
        }
    }

    /** Draws the final state and ends the line; later calls do nothing. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long now = nanoClock.getAsLong();
        if (terminal) {
            redraw(now);
            out.println();
        } else if (total <= 0 || lastDecile < 10) {
            out.println(render(done, total, rate(now), unit));
        }
        out.flush();
    }

    /** The text of one line, e.g. {@code [###...] 45% 12,345/27,000 events 8,123/s}. */
    public static String render(long done, long total, double perSecond, String unit) {
        StringBuilder sb = new StringBuilder(80);
        if (total > 0) {
            double fraction = Math.max(0, Math.min(1, done / (double) total));
            int filled = (int) Math.floor(fraction * WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%3d%% %,d/%,d", (int) Math.floor(fraction * 100), done, total));
        } else {
            sb.append(String.format(Locale.ROOT, "%,d", done));
        }
        sb.append(' ').append(unit);
        sb.append(String.format(Locale.ROOT, " %,d/s", Math.round(perSecond)));
        return sb.toString();
    }

    private void redraw(long now) {
        lastDrawNanos = now;
        String line = render(done, total, rate(now), unit);
        // pad over the remains of a longer previous line
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
    }

    private double rate(long now) {
        double seconds = (now - startedNanos) / 1e9;
        return seconds > 0.001 ? done / seconds : 0;
    }
}
