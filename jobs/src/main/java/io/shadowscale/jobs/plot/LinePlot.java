package io.shadowscale.jobs.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * A small time-series chart written as PNG with Java2D (headless): lines, shaded bands between two
 * series, and vertical markers — enough for forecast-vs-actual and scaling timelines without a
 * plotting dependency. NaN values break lines and bands.
 */
public final class LinePlot {
    private static final DateTimeFormatter TICK = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private record Line(String label, double[] y, Color color, boolean dashed, boolean step) {}
    private record Band(String label, double[] lo, double[] hi, Color color) {}
    private record Marker(long time, String label, Color color) {}

    private final String title;
    private final String yLabel;
    private final long start;
    private final long stepMs;
    private final int n;
    private final List<Line> lines = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    public LinePlot(String title, String yLabel, long start, long stepMs, int points) {
        this.title = title;
        this.yLabel = yLabel;
        this.start = start;
        this.stepMs = stepMs;
        this.n = points;
    }

    public LinePlot line(String label, double[] y, Color color) {
        lines.add(new Line(label, y, color, false, false));
        return this;
    }

    public LinePlot dashed(String label, double[] y, Color color) {
        lines.add(new Line(label, y, color, true, false));
        return this;
    }

    /** A step line (capacity that changes at points). */
    public LinePlot steps(String label, double[] y, Color color) {
        lines.add(new Line(label, y, color, false, true));
        return this;
    }

    public LinePlot band(String label, double[] lo, double[] hi, Color color) {
        bands.add(new Band(label, lo, hi, color));
        return this;
    }

    public LinePlot marker(long time, String label, Color color) {
        markers.add(new Marker(time, label, color));
        return this;
    }

    public void write(Path file, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 80, right = 20, top = 40, bottom = 70;
        int pw = width - left - right, ph = height - top - bottom;

        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (Line l : lines) for (double v : l.y) if (!Double.isNaN(v)) { min = Math.min(min, v); max = Math.max(max, v); }
        for (Band b : bands) for (int i = 0; i < n; i++) {
            if (!Double.isNaN(b.lo[i])) min = Math.min(min, b.lo[i]);
            if (!Double.isNaN(b.hi[i])) max = Math.max(max, b.hi[i]);
        }
        if (min == Double.POSITIVE_INFINITY) { min = 0; max = 1; }
        min = Math.min(0, min);
        if (max <= min) max = min + 1;
        max += (max - min) * 0.05;
        final double lo = min, hi = max;
        java.util.function.IntToDoubleFunction xs = i -> left + (n <= 1 ? 0 : (double) i * pw / (n - 1));
        java.util.function.DoubleUnaryOperator ys = v -> top + ph - (v - lo) / (hi - lo) * ph;

        // grid and axes
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int k = 0; k <= 5; k++) {
            double v = lo + (hi - lo) * k / 5;
            int y = (int) ys.applyAsDouble(v);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3g", v), 5, y + 4);
        }
        int ticks = 6;
        for (int k = 0; k <= ticks; k++) {
            int i = (int) ((long) (n - 1) * k / ticks);
            int x = (int) xs.applyAsDouble(i);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            g.drawString(TICK.format(Instant.ofEpochMilli(start + i * stepMs)), x - 30, top + ph + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(yLabel + " (UTC time axis)", left, top + ph + 34);

        for (Band b : bands) {
            g.setColor(b.color);
            for (int i = 0; i + 1 < n; i++) {
                if (Double.isNaN(b.lo[i]) || Double.isNaN(b.hi[i]) || Double.isNaN(b.lo[i + 1]) || Double.isNaN(b.hi[i + 1])) continue;
                Path2D p = new Path2D.Double();
                p.moveTo(xs.applyAsDouble(i), ys.applyAsDouble(b.lo[i]));
                p.lineTo(xs.applyAsDouble(i + 1), ys.applyAsDouble(b.lo[i + 1]));
                p.lineTo(xs.applyAsDouble(i + 1), ys.applyAsDouble(b.hi[i + 1]));
                p.lineTo(xs.applyAsDouble(i), ys.applyAsDouble(b.hi[i]));
                p.closePath();
                g.fill(p);
            }
        }
        for (Line l : lines) {
            g.setColor(l.color);
            g.setStroke(l.dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(1.5f));
            Path2D p = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < n; i++) {
                double v = l.y[i];
                if (Double.isNaN(v)) { pen = false; continue; }
                double x = xs.applyAsDouble(i), y = ys.applyAsDouble(v);
                if (!pen) { p.moveTo(x, y); pen = true; }
                else if (l.step) { p.lineTo(x, ys.applyAsDouble(l.y[i - 1])); p.lineTo(x, y); }
                else p.lineTo(x, y);
            }
            g.draw(p);
        }
        g.setStroke(new BasicStroke(1f));
        for (Marker m : markers) {
            double i = (double) (m.time - start) / stepMs;
            if (i < 0 || i > n - 1) continue;
            int x = (int) (left + i * pw / Math.max(1, n - 1));
            g.setColor(m.color);
            g.drawLine(x, top, x, top + ph);
        }
        // legend
        int lx = left + 10, ly = top + 16;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Band b : bands) {
            g.setColor(b.color);
            g.fillRect(lx, ly - 9, 18, 10);
            g.setColor(Color.BLACK);
            g.drawString(b.label, lx + 24, ly);
            ly += 16;
        }
        for (Line l : lines) {
            g.setColor(l.color);
            g.fillRect(lx, ly - 5, 18, 3);
            g.setColor(Color.BLACK);
            g.drawString(l.label, lx + 24, ly);
            ly += 16;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
