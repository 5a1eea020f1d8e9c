package dev.licnn.engine.image;

/**
 * The few facts this package needs from a JPEG's marker segments, read before decoding: the number
 * of colour components (from the SOF frame header), the Adobe APP14 colour transform, and the EXIF
 * orientation (tag 0x0112 in IFD0 of the APP1 Exif TIFF structure).
 *
 * <p>Parsing is lenient: a malformed or missing segment leaves the corresponding default (no Adobe
 * marker, unknown component count, orientation 1) instead of failing, because the pixel decoder is
 * the authority on whether the file is usable.
 */
final class JpegMarkers {
    /** No APP14 "Adobe" segment was found. */
    static final int NO_ADOBE = -1;

    /** Adobe transform value meaning the four components are YCCK. */
    static final int ADOBE_YCCK = 2;

    private static final int EXIF_ORIENTATION_TAG = 0x0112;

    final int components;
    final int adobeTransform;
    final int orientation;

    private JpegMarkers(int components, int adobeTransform, int orientation) {
        this.components = components;
        this.adobeTransform = adobeTransform;
        this.orientation = orientation;
    }

    /** Scans the segments between SOI and the first SOS. {@code jpeg} must start with SOI. */
    static JpegMarkers scan(byte[] jpeg) {
        int components = -1;
        int adobe = NO_ADOBE;
        int orientation = 1;
        boolean sawExif = false;
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if (u8(jpeg, pos) != 0xFF) {
                break;
            }
            int marker = u8(jpeg, pos + 1);
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2; // stand-alone markers carry no length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break; // start of scan or end of image: no more header segments
            }
            int length = u16(jpeg, pos + 2, false);
            if (length < 2 || pos + 2 + length > jpeg.length) {
                break;
            }
            int seg = pos + 4;
            int segLen = length - 2;
            if (marker == 0xE1 && !sawExif && isExif(jpeg, seg, segLen)) {
                sawExif = true;
                orientation = exifOrientation(jpeg, seg + 6, segLen - 6);
            } else if (marker == 0xEE && segLen >= 12 && startsWith(jpeg, seg, "Adobe")) {
                adobe = u8(jpeg, seg + 11);
            } else if (isStartOfFrame(marker) && segLen >= 6) {
                components = u8(jpeg, seg + 5);
            }
            pos += 2 + length;
        }
        return new JpegMarkers(components, adobe, orientation);
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0
                && marker <= 0xCF
                && marker != 0xC4
                && marker != 0xC8
                && marker != 0xCC;
    }

    private static boolean isExif(byte[] b, int seg, int segLen) {
        return segLen >= 6 && startsWith(b, seg, "Exif") && b[seg + 4] == 0 && b[seg + 5] == 0;
    }

    /**
     * Reads tag 0x0112 from IFD0 of the TIFF structure at {@code tiff}, in either byte order.
     * Returns 1 (normal) when the structure is malformed or the value is outside 1..8.
     */
    static int exifOrientation(byte[] b, int tiff, int len) {
        if (len < 8 || tiff < 0 || tiff + len > b.length) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || ifd + 2 > len) {
            return 1;
        }
        int ifdPos = tiff + (int) ifd;
        int count = u16(b, ifdPos, little);
        for (int i = 0; i < count; i++) {
            int entry = ifdPos + 2 + 12 * i;
            if (entry + 12 > tiff + len) {
                return 1;
            }
            if (u16(b, entry, little) == EXIF_ORIENTATION_TAG) {
                int type = u16(b, entry + 2, little);
                int value;
                if (type == 3) { // SHORT: left-justified in the 4-byte value field
                    value = u16(b, entry + 8, little);
                } else if (type == 4) { // LONG, written by a few non-conforming tools
                    value = (int) Math.min(u32(b, entry + 8, little), Integer.MAX_VALUE);
                } else {
                    return 1;
                }
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static boolean startsWith(byte[] b, int pos, String ascii) {
        if (pos + ascii.length() > b.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[pos + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int pos) {
        return b[pos] & 0xFF;
    }

    private static int u16(byte[] b, int pos, boolean little) {
        int a = u8(b, pos);
        int c = u8(b, pos + 1);
        return little ? (c << 8) | a : (a << 8) | c;
    }

    private static long u32(byte[] b, int pos, boolean little) {
        long hi = u16(b, pos, little);
        long lo = u16(b, pos + 2, little);
        return little ? (lo << 16) | hi : (hi << 16) | lo;
    }
}
