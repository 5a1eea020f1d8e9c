package dev.licnn.dataset;

import java.awt.Rectangle;

/**
 * One row of {@code manifest.csv}. Paths are relative to the dataset root and use {@code /}.
 *
 * @param file the image, e.g. {@code natural/star/natural_000003.png}
 * @param shapeClass the object's class
 * @param mask the mask, e.g. {@code natural/masks/natural_000003.png}
 * @param backgroundFamily the background's family
 * @param ownBackground whether that family is the class's own
 * @param fillStyle how the object is coloured
 * @param split the split
 * @param bbox tight bounding box of the object's pixels
 */
public record ManifestEntry(
        String file,
        ShapeClass shapeClass,
        String mask,
        BackgroundFamily backgroundFamily,
        boolean ownBackground,
        FillStyle fillStyle,
        Split split,
        Rectangle bbox) {

    /** The CSV header, in column order. */
    public static final String HEADER =
            "file,class,class_id,mask,background_family,own_background,fill,split,bbox_x,bbox_y,bbox_w,bbox_h";

    /** The row for a rendered scene. */
    static ManifestEntry of(Scene s) {
        String dir = s.split().dirName();
        return new ManifestEntry(
                dir + "/" + s.shapeClass().key() + "/" + s.id() + ".png",
                s.shapeClass(),
                dir + "/masks/" + s.id() + ".png",
                s.backgroundFamily(),
                s.ownBackground(),
                s.fillStyle(),
                s.split(),
                s.bbox());
    }

    /** The CSV line (no line break). */
    public String toCsv() {
        return String.join(
                ",",
                file,
                shapeClass.key(),
                Integer.toString(shapeClass.id()),
                mask,
                backgroundFamily.key(),
                Boolean.toString(ownBackground),
                fillStyle.key(),
                split.dirName(),
                Integer.toString(bbox.x),
                Integer.toString(bbox.y),
                Integer.toString(bbox.width),
                Integer.toString(bbox.height));
    }

    /**
     * Parses a line written by {@link #toCsv()}.
     *
     * @throws IllegalArgumentException if the line is malformed
     */
    public static ManifestEntry parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 12) {
            throw new IllegalArgumentException(
                    "expected 12 columns, got " + f.length + ": " + line);
        }
        ShapeClass cls = ShapeClass.parse(f[1]);
        if (Integer.parseInt(f[2]) != cls.id()) {
            throw new IllegalArgumentException(
                    "class id " + f[2] + " does not match class " + f[1]);
        }
        return new ManifestEntry(
                f[0],
                cls,
                f[3],
                BackgroundFamily.parse(f[4]),
                Boolean.parseBoolean(f[5]),
                FillStyle.parse(f[6]),
                Split.parse(f[7]),
                new Rectangle(
                        Integer.parseInt(f[8]),
                        Integer.parseInt(f[9]),
                        Integer.parseInt(f[10]),
                        Integer.parseInt(f[11])));
    }
}
