package io.shadowscale.jobs.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/** A labelled scatter plot (PNG), e.g. cost against under-provisioning per strategy. */
public final class ScatterPlot {

    private record Point(String label, double x, double y, Color color) {}

    private final String title, xLabel, yLabel;
    private final List<Point> points = new ArrayList<>();

    public ScatterPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public ScatterPlot point(String label, double x, double y, Color color) {
        points.add(new Point(label, x, y, color));
        return this;
    }

    public void write(Path file, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 90, right = 30, top = 50, bottom = 60;
        double minX = 0, minY = 0, maxX = 1e-9, maxY = 1e-9;
        for (Point p : points) {
            maxX = Math.max(maxX, p.x);
            maxY = Math.max(maxY, p.y);
        }
        maxX *= 1.15;
        maxY *= 1.15;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(left, height - bottom, width - right, height - bottom);
        g.drawLine(left, top, left, height - bottom);
        for (int i = 0; i <= 4; i++) {
            double vx = minX + (maxX - minX) * i / 4, vy = minY + (maxY - minY) * i / 4;
            int px = left + (int) ((width - left - right) * i / 4.0), py = height - bottom - (int) ((height - top - bottom) * i / 4.0);
            g.drawString(String.format(Locale.ROOT, "%.4g", vx), px - 15, height - bottom + 18);
            g.drawString(String.format(Locale.ROOT, "%.4g", vy), 10, py + 4);
        }
        g.drawString(xLabel, left + (width - left - right) / 2 - 60, height - 15);
        g.drawString(yLabel, 10, top - 12);
        g.setStroke(new BasicStroke(2));
        for (Point p : points) {
            int px = left + (int) ((p.x - minX) / (maxX - minX) * (width - left - right));
            int py = height - bottom - (int) ((p.y - minY) / (maxY - minY) * (height - top - bottom));
            g.setColor(p.color);
            g.fillOval(px - 6, py - 6, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(p.label, px + 9, py - 6);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
