package dev.licnn.dataset;

import java.awt.geom.Rectangle2D;
import java.util.Locale;
import java.util.SplittableRandom;

/** How an object's pixels are coloured. Colours come from the object's luma band. */
public enum FillStyle {
    /** One colour: every object pixel has {@link Fill#primary()}. */
    SOLID,
    /** Two-colour stripes at a random angle. */
    STRIPES,
    /** Dots of a second colour on the primary colour. */
    DOTS,
    /** A linear gradient from the primary to a second colour across the object. */
    GRADIENT;

    /** The colour of each object pixel. */
    public interface Fill {
        /** Packed {@code 0xRRGGBB} colour at pixel {@code (x, y)}. */
        int colourAt(int x, int y);

        /** The main colour (the only one for {@link #SOLID}). */
        int primary();
    }

    /** Lower-case name used in the manifest. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()} (case-insensitive). */
    public static FillStyle parse(String key) {
        for (FillStyle f : values()) {
            if (f.key().equalsIgnoreCase(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fill style '" + key + "'");
    }

    /**
     * Draws this style's colours and geometry from {@code r} for an object covering {@code bounds}.
     */
    Fill create(SplittableRandom r, Colours.Band band, Rectangle2D bounds) {
        int c1 = Colours.random(r, band);
        int c2 = Colours.randomDistinct(r, band, c1);
        switch (this) {
            case SOLID:
                return fill(c1, (x, y) -> c1);
            case STRIPES:
                {
                    double a = r.nextDouble() * Math.PI;
                    double ca = StrictMath.cos(a);
                    double sa = StrictMath.sin(a);
                    double period = 6 + r.nextInt(9);
                    return fill(
                            c1,
                            (x, y) -> {
                                double t = (x * ca + y * sa) / period;
                                return t - Math.floor(t) < 0.5 ? c1 : c2;
                            });
                }
            case DOTS:
                {
                    double spacing = 6 + r.nextInt(6);
                    double radius = spacing * (0.2 + 0.15 * r.nextDouble());
                    return fill(
                            c1,
                            (x, y) -> {
                                double dx = x - (Math.floor(x / spacing) + 0.5) * spacing;
                                double dy = y - (Math.floor(y / spacing) + 0.5) * spacing;
                                return dx * dx + dy * dy <= radius * radius ? c2 : c1;
                            });
                }
            case GRADIENT:
                {
                    double a = r.nextDouble() * 2 * Math.PI;
                    double ca = StrictMath.cos(a);
                    double sa = StrictMath.sin(a);
                    double cx = bounds.getCenterX();
                    double cy = bounds.getCenterY();
                    double extent =
                            Math.max(
                                    1,
                                    Math.abs(ca) * bounds.getWidth()
                                            + Math.abs(sa) * bounds.getHeight());
                    return fill(
                            c1,
                            (x, y) ->
                                    Colours.mix(
                                            c1,
                                            c2,
                                            ((x - cx) * ca + (y - cy) * sa) / extent + 0.5));
                }
            default:
                throw new AssertionError(this);
        }
    }

    private interface Pattern {
        int at(int x, int y);
    }

    private static Fill fill(int primary, Pattern p) {
        return new Fill() {
            @Override
            public int colourAt(int x, int y) {
                return p.at(x, y);
            }

            @Override
            public int primary() {
                return primary;
            }
        };
    }
}
