package dev.licnn.dataset;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Textured backgrounds. There is one family per {@link ShapeClass}: family {@code i} is class
 * {@code i}'s own background, which is where the dataset's bias comes from. Every family paints a
 * full square of packed {@code 0xRRGGBB} pixels from its own random stream, using colours whose
 * luma lies in one band (the object uses the other band, so it always stands out).
 */
public enum BackgroundFamily {
    /** Smooth value noise between two colours, plus fine grain. */
    NOISE {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            int cell = 16 + r.nextInt(25);
            int g = size / cell + 2;
            double[] grid = new double[g * g];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = r.nextDouble();
            }
            for (int y = 0; y < size; y++) {
                double fy = (double) y / cell;
                int gy = (int) fy;
                double ty = smooth(fy - gy);
                for (int x = 0; x < size; x++) {
                    double fx = (double) x / cell;
                    int gx = (int) fx;
                    double tx = smooth(fx - gx);
                    double top = lerp(grid[gy * g + gx], grid[gy * g + gx + 1], tx);
                    double bottom = lerp(grid[(gy + 1) * g + gx], grid[(gy + 1) * g + gx + 1], tx);
                    int c = Colours.mix(c1, c2, lerp(top, bottom, ty));
                    px[y * size + x] = Colours.shift(c, r.nextInt(17) - 8);
                }
            }
        }
    },
    /** Parallel stripes of two colours at a random angle. */
    STRIPES {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            double a = r.nextDouble() * Math.PI;
            double ca = StrictMath.cos(a);
            double sa = StrictMath.sin(a);
            double period = 10 + r.nextInt(19);
            double duty = 0.35 + 0.3 * r.nextDouble();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double t = (x * ca + y * sa) / period;
                    px[y * size + x] = t - Math.floor(t) < duty ? c1 : c2;
                }
            }
        }
    },
    /** A rotated checkerboard. */
    CHECKS {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            double a = r.nextDouble() * Math.PI / 2;
            double ca = StrictMath.cos(a);
            double sa = StrictMath.sin(a);
            double cellSize = 12 + r.nextInt(21);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    long u = (long) Math.floor((x * ca + y * sa) / cellSize);
                    long v = (long) Math.floor((-x * sa + y * ca) / cellSize);
                    px[y * size + x] = ((u + v) & 1) == 0 ? c1 : c2;
                }
            }
        }
    },
    /** Overlapping large ellipses of several colours on a base colour. */
    BLOBS {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int base = Colours.random(r, band);
            int n = 7 + r.nextInt(7);
            double[][] e = new double[n][];
            int[] colour = new int[n];
            for (int i = 0; i < n; i++) {
                double rx = size * (0.08 + 0.2 * r.nextDouble());
                double ry = size * (0.08 + 0.2 * r.nextDouble());
                double a = r.nextDouble() * Math.PI;
                e[i] =
                        new double[] {
                            r.nextDouble() * size,
                            r.nextDouble() * size,
                            rx,
                            ry,
                            StrictMath.cos(a),
                            StrictMath.sin(a)
                        };
                colour[i] = Colours.randomDistinct(r, band, base);
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int c = base;
                    for (int i = 0; i < n; i++) {
                        double dx = x - e[i][0];
                        double dy = y - e[i][1];
                        double u = (dx * e[i][4] + dy * e[i][5]) / e[i][2];
                        double v = (-dx * e[i][5] + dy * e[i][4]) / e[i][3];
                        if (u * u + v * v <= 1) {
                            c = colour[i];
                        }
                    }
                    px[y * size + x] = c;
                }
            }
        }
    },
    /** A linear gradient between two colours at a random angle, with fine grain. */
    GRADIENT {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            double a = r.nextDouble() * 2 * Math.PI;
            double ca = StrictMath.cos(a);
            double sa = StrictMath.sin(a);
            double half = size / 2.0;
            double extent = half * (Math.abs(ca) + Math.abs(sa));
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double t = ((x - half) * ca + (y - half) * sa) / (2 * extent) + 0.5;
                    px[y * size + x] = Colours.shift(Colours.mix(c1, c2, t), r.nextInt(9) - 4);
                }
            }
        }
    },
    /** A staggered grid of dots. */
    DOTS {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            double spacing = 12 + r.nextInt(13);
            double radius = spacing * (0.18 + 0.17 * r.nextDouble());
            double ox = r.nextDouble() * spacing;
            double oy = r.nextDouble() * spacing;
            for (int y = 0; y < size; y++) {
                double fy = (y + oy) / spacing;
                long row = (long) Math.floor(fy);
                double cy = (row + 0.5) * spacing - oy;
                double shiftX = (row & 1) == 0 ? 0 : spacing / 2;
                for (int x = 0; x < size; x++) {
                    double fx = (x + ox + shiftX) / spacing;
                    double cx = (Math.floor(fx) + 0.5) * spacing - ox - shiftX;
                    double dx = x - cx;
                    double dy = y - cy;
                    px[y * size + x] = dx * dx + dy * dy <= radius * radius ? c2 : c1;
                }
            }
        }
    },
    /** Smooth wavy bands: colour follows a sine of a sine-warped coordinate. */
    WAVES {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            double f1 = 2 * Math.PI / (18 + r.nextInt(22));
            double f2 = 2 * Math.PI / (30 + r.nextInt(50));
            double amp = 1 + 2.5 * r.nextDouble();
            double phase = r.nextDouble() * 2 * Math.PI;
            boolean vertical = r.nextBoolean();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int a = vertical ? x : y;
                    int b = vertical ? y : x;
                    double t = StrictMath.sin(a * f1 + amp * StrictMath.sin(b * f2 + phase));
                    px[y * size + x] = Colours.mix(c1, c2, (t + 1) / 2);
                }
            }
        }
    },
    /** Thin grid lines on a plain colour. */
    GRID {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int c1 = Colours.random(r, band);
            int c2 = Colours.randomDistinct(r, band, c1);
            int spacing = 12 + r.nextInt(17);
            int width = 1 + r.nextInt(3);
            int ox = r.nextInt(spacing);
            int oy = r.nextInt(spacing);
            for (int y = 0; y < size; y++) {
                boolean rowLine = (y + oy) % spacing < width;
                for (int x = 0; x < size; x++) {
                    boolean line = rowLine || (x + ox) % spacing < width;
                    px[y * size + x] = line ? c2 : c1;
                }
            }
        }
    },
    /** Staggered bricks with mortar lines; each brick's shade varies a little. */
    BRICKS {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int brick = Colours.random(r, band);
            int mortar = Colours.randomDistinct(r, band, brick);
            int h = 10 + r.nextInt(11);
            int w = h * 2 + r.nextInt(h);
            int mortarWidth = 2;
            int rows = size / h + 2;
            int cols = size / w + 3;
            int[] shade = new int[rows * cols];
            for (int i = 0; i < shade.length; i++) {
                shade[i] = r.nextInt(25) - 12;
            }
            int oy = r.nextInt(h);
            for (int y = 0; y < size; y++) {
                int row = (y + oy) / h;
                boolean horizontal = (y + oy) % h < mortarWidth;
                int ox = (row & 1) == 0 ? 0 : w / 2;
                for (int x = 0; x < size; x++) {
                    int col = (x + ox) / w;
                    boolean vertical = (x + ox) % w < mortarWidth;
                    px[y * size + x] =
                            horizontal || vertical
                                    ? mortar
                                    : Colours.shift(
                                            brick, shade[(row % rows) * cols + (col % cols)]);
                }
            }
        }
    },
    /**
     * Tartan: translucent horizontal and vertical bands of two colours crossing on a base colour.
     */
    PLAID {
        @Override
        void paint(int[] px, int size, SplittableRandom r, Colours.Band band) {
            int base = Colours.random(r, band);
            int cv = Colours.randomDistinct(r, band, base);
            int ch = Colours.randomDistinct(r, band, base);
            int period = 24 + r.nextInt(25);
            int bandWidth = period / 3 + r.nextInt(period / 4);
            int ox = r.nextInt(period);
            int oy = r.nextInt(period);
            for (int y = 0; y < size; y++) {
                boolean inH = (y + oy) % period < bandWidth;
                for (int x = 0; x < size; x++) {
                    boolean inV = (x + ox) % period < bandWidth;
                    int c = base;
                    if (inV) {
                        c = Colours.mix(c, cv, 0.6);
                    }
                    if (inH) {
                        c = Colours.mix(c, ch, 0.6);
                    }
                    px[y * size + x] = c;
                }
            }
        }
    };

    /** Fills {@code px} ({@code size x size}, row-major, packed RGB). */
    abstract void paint(int[] px, int size, SplittableRandom r, Colours.Band band);

    /** Lower-case name used in the manifest, e.g. {@code bricks}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The family that is {@code c}'s own background: the family with the same index. */
    public static BackgroundFamily ownedBy(ShapeClass c) {
        return values()[c.ordinal() % values().length];
    }

    /** Parses {@link #key()} (case-insensitive). */
    public static BackgroundFamily parse(String key) {
        for (BackgroundFamily f : values()) {
            if (f.key().equalsIgnoreCase(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown background family '" + key + "'");
    }

    private static double lerp(double a, double b, double t) {
        return a + t * (b - a);
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
