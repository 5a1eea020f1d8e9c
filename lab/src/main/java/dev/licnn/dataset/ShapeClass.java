package dev.licnn.dataset;

import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * The object classes, in label order. Each draws itself as a Java2D {@link Shape} centred on the
 * origin and fitting the square {@code [-1, 1] x [-1, 1]}; the generator scales, rotates and places
 * it. The class index is the label id, and class {@code i}'s own background family is {@link
 * BackgroundFamily#ownedBy(ShapeClass)}.
 */
public enum ShapeClass {
    CIRCLE {
        @Override
        Shape unitShape() {
            return new Ellipse2D.Double(-1, -1, 2, 2);
        }
    },
    SQUARE {
        @Override
        Shape unitShape() {
            return new Rectangle2D.Double(-0.85, -0.85, 1.7, 1.7);
        }
    },
    TRIANGLE {
        @Override
        Shape unitShape() {
            return regularPolygon(3, 1.0, -Math.PI / 2);
        }
    },
    STAR {
        @Override
        Shape unitShape() {
            Path2D.Double p = new Path2D.Double();
            for (int i = 0; i < 10; i++) {
                double r = i % 2 == 0 ? 1.0 : 0.42;
                double a = -Math.PI / 2 + i * Math.PI / 5;
                point(p, i == 0, r * StrictMath.cos(a), r * StrictMath.sin(a));
            }
            p.closePath();
            return p;
        }
    },
    CROSS {
        @Override
        Shape unitShape() {
            Area a = new Area(new Rectangle2D.Double(-1, -0.3, 2, 0.6));
            a.add(new Area(new Rectangle2D.Double(-0.3, -1, 0.6, 2)));
            return a;
        }
    },
    RING {
        @Override
        Shape unitShape() {
            Area a = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
            a.subtract(new Area(new Ellipse2D.Double(-0.55, -0.55, 1.1, 1.1)));
            return a;
        }
    },
    HEXAGON {
        @Override
        Shape unitShape() {
            return regularPolygon(6, 1.0, 0);
        }
    },
    ARROW {
        @Override
        Shape unitShape() {
            Path2D.Double p = new Path2D.Double();
            double[][] pts = {
                {-1, -0.22},
                {0.15, -0.22},
                {0.15, -0.62},
                {1, 0},
                {0.15, 0.62},
                {0.15, 0.22},
                {-1, 0.22}
            };
            for (int i = 0; i < pts.length; i++) {
                point(p, i == 0, pts[i][0], pts[i][1]);
            }
            p.closePath();
            return p;
        }
    },
    CRESCENT {
        @Override
        Shape unitShape() {
            Area a = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
            a.subtract(new Area(new Ellipse2D.Double(-0.55, -0.95, 1.75, 1.75)));
            return a;
        }
    },
    HEART {
        @Override
        Shape unitShape() {
            Path2D.Double p = new Path2D.Double();
            p.moveTo(0, 1);
            p.curveTo(-0.35, 0.65, -1, 0.3, -1, -0.35);
            p.curveTo(-1, -0.8, -0.6, -1, -0.45, -1);
            p.curveTo(-0.2, -1, 0, -0.8, 0, -0.55);
            p.curveTo(0, -0.8, 0.2, -1, 0.45, -1);
            p.curveTo(0.6, -1, 1, -0.8, 1, -0.35);
            p.curveTo(1, 0.3, 0.35, 0.65, 0, 1);
            p.closePath();
            return p;
        }
    };

    /** The shape centred on the origin within {@code [-1, 1]^2}. */
    abstract Shape unitShape();

    /** Label id: the enum ordinal. */
    public int id() {
        return ordinal();
    }

    /** Lower-case name used for folders and labels, e.g. {@code crescent}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()} (case-insensitive). */
    public static ShapeClass parse(String key) {
        for (ShapeClass c : values()) {
            if (c.key().equalsIgnoreCase(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown class '" + key + "'");
    }

    private static Shape regularPolygon(int n, double r, double phase) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            double a = phase + 2 * Math.PI * i / n;
            point(p, i == 0, r * StrictMath.cos(a), r * StrictMath.sin(a));
        }
        p.closePath();
        return p;
    }

    private static void point(Path2D.Double p, boolean first, double x, double y) {
        if (first) {
            p.moveTo(x, y);
        } else {
            p.lineTo(x, y);
        }
    }
}
