package dev.licnn.engine.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG or JPEG bytes to 8-bit RGB with {@code javax.imageio}, guarding against decompression
 * bombs by checking the declared size before any pixel is decoded.
 *
 * <p>Conversions (chosen to match what PIL's {@code Image.open(...).convert("RGB")} gives, which is
 * what torchvision models are trained on):
 *
 * <ul>
 *   <li>Samples are taken from the raster as stored; embedded ICC profiles and gamma chunks are
 *       ignored.
 *   <li>Grayscale is replicated to R, G and B.
 *   <li>Alpha is dropped, not composited: a transparent pixel keeps its stored colour.
 *   <li>16-bit samples keep their high byte; 1, 2 and 4-bit samples are scaled to 0..255.
 *   <li>4-component JPEGs are read as raw rasters: YCCK (Adobe transform 2) is converted to CMYK,
 *       CMYK is inverted when an Adobe APP14 segment is present (Adobe's convention; PIL inverts
 *       every CMYK JPEG, so the rare CMYK file without that segment decodes differently there), and
 *       CMYK becomes RGB with PIL's formula {@code R = (255 - K) * (255 - C) / 255}. No ICC profile
 *       is applied.
 *   <li>A JPEG whose data ends early is rejected: libjpeg only warns ("premature end") and pads
 *       with grey, so that warning is turned into an error, as PIL does for truncated files.
 *   <li>JPEG EXIF orientation (1-8) is applied; width and height swap for 5-8.
 * </ul>
 */
final class ImageDecoder {
    private static final byte[] PNG_SIGNATURE = {
        (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'
    };

    private ImageDecoder() {}

    /**
     * Decodes {@code bytes} to RGB.
     *
     * @param maxPixels largest accepted declared width times height
     * @throws InvalidImageException for empty input, an unknown format, corrupt or truncated data,
     *     or a declared size above {@code maxPixels}
     */
    static RgbImage decode(byte[] bytes, long maxPixels) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException("image is empty (0 bytes)");
        }
        boolean png = startsWith(bytes, PNG_SIGNATURE);
        boolean jpeg =
                bytes.length >= 3
                        && (bytes[0] & 0xFF) == 0xFF
                        && (bytes[1] & 0xFF) == 0xD8
                        && (bytes[2] & 0xFF) == 0xFF;
        if (!png && !jpeg) {
            throw new InvalidImageException(
                    "not a PNG or JPEG image (first bytes: " + hexPrefix(bytes, 8) + ")");
        }
        ImageReader reader = readerFor(png ? "png" : "jpeg");
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkDeclaredSize(width, height, maxPixels);
            RgbImage image;
            if (png) {
                image = fromBufferedImage(reader.read(0));
            } else {
                JpegMarkers markers = JpegMarkers.scan(bytes);
                if (markers.components == 4) {
                    image = fromCmykRaster(reader.readRaster(0, null), markers.adobeTransform);
                } else {
                    image = fromBufferedImage(reader.read(0));
                }
                failOnTruncation(warnings);
                image = Orientation.apply(image, markers.orientation);
            }
            return image;
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException("corrupt or truncated image data: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    static void checkDeclaredSize(int width, int height, long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException(
                    "corrupt or truncated image data: declared size " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new InvalidImageException(
                    "image declares "
                            + width
                            + "x"
                            + height
                            + " = "
                            + pixels
                            + " pixels, more than the limit of "
                            + maxPixels);
        }
    }

    private static ImageReader readerFor(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no javax.imageio reader for " + format);
        }
        return readers.next();
    }

    /**
     * libjpeg only warns when the data ends early and pads the rest with grey; treat as an error.
     */
    private static void failOnTruncation(List<String> warnings) {
        for (String w : warnings) {
            if (w != null && w.toLowerCase(Locale.ROOT).contains("premature end")) {
                throw new InvalidImageException("corrupt or truncated image data: " + w);
            }
        }
    }

    private static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        int[] out = new int[w * h];
        if (cm instanceof IndexColorModel) {
            IndexColorModel icm = (IndexColorModel) cm;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = icm.getRGB(row[x]) & 0xFFFFFF;
                }
            }
            return new RgbImage(w, h, out);
        }
        int bands = raster.getNumBands();
        if (bands < 1 || bands > 4) {
            throw new InvalidImageException(
                    "unsupported image layout: " + bands + " colour components");
        }
        boolean gray = bands <= 2; // gray, or gray + alpha; alpha (band 1 or 3) is dropped
        int[] bits = raster.getSampleModel().getSampleSize();
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int base = x * bands;
                int r = to8Bit(row[base], bits[0]);
                int g = gray ? r : to8Bit(row[base + 1], bits[1]);
                int b = gray ? r : to8Bit(row[base + 2], bits[2]);
                out[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int to8Bit(int sample, int bits) {
        if (bits == 8) {
            return sample & 0xFF;
        }
        if (bits > 8) {
            return (sample >>> (bits - 8)) & 0xFF;
        }
        int max = (1 << bits) - 1;
        return (sample * 255 + max / 2) / max;
    }

    private static RgbImage fromCmykRaster(Raster raster, int adobeTransform) {
        if (raster.getNumBands() != 4) {
            throw new InvalidImageException(
                    "unsupported JPEG layout: " + raster.getNumBands() + " colour components");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int x0 = raster.getMinX();
        int y0 = raster.getMinY();
        boolean ycck = adobeTransform == JpegMarkers.ADOBE_YCCK;
        boolean inverted = adobeTransform != JpegMarkers.NO_ADOBE;
        int[] out = new int[w * h];
        int[] row = new int[w * 4];
        for (int y = 0; y < h; y++) {
            raster.getPixels(x0, y0 + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int c = row[4 * x] & 0xFF;
                int m = row[4 * x + 1] & 0xFF;
                int ye = row[4 * x + 2] & 0xFF;
                int k = row[4 * x + 3] & 0xFF;
                if (ycck) { // libjpeg's YCC -> RGB, then C = 255 - R etc.; K passes through
                    double luma = c;
                    double cb = m - 128.0;
                    double cr = ye - 128.0;
                    c = 255 - clamp(luma + 1.402 * cr);
                    m = 255 - clamp(luma - 0.344136 * cb - 0.714136 * cr);
                    ye = 255 - clamp(luma + 1.772 * cb);
                }
                if (inverted) {
                    c = 255 - c;
                    m = 255 - m;
                    ye = 255 - ye;
                    k = 255 - k;
                }
                int nk = 255 - k;
                int r = nk - mulDiv255(c, nk);
                int g = nk - mulDiv255(m, nk);
                int b = nk - mulDiv255(ye, nk);
                out[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int clamp(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }

    /** a * b / 255 rounded, as PIL's MULDIV255. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            String msg = t.getMessage();
            sb.append(msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg);
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static String hexPrefix(byte[] b, int max) {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < Math.min(b.length, max); i++) {
            sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        }
        if (b.length > max) {
            sb.append("..");
        }
        return sb.toString();
    }
}
