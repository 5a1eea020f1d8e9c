package dev.licnn.engine.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Builds test images in memory: encoded with ImageIO or assembled byte by byte. */
final class TestImages {
    private TestImages() {}

    static byte[] png(BufferedImage img) {
        return encode(img, "png");
    }

    static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format + " / " + img.getType());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a JPEG at maximum quality from an image or a raw raster (4 bands: no conversion). */
    static byte[] jpeg(Object imageOrRaster) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(1f);
            IIOImage iio =
                    imageOrRaster instanceof Raster
                            ? new IIOImage((Raster) imageOrRaster, null, null)
                            : new IIOImage((BufferedImage) imageOrRaster, null, null);
            writer.write(null, iio, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Inserts a marker segment after SOI and, if present, the JFIF APP0 segment. */
    static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
        int pos = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            pos = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        }
        int len = payload.length + 2;
        ByteBuffer b = ByteBuffer.allocate(jpeg.length + payload.length + 4);
        b.put(jpeg, 0, pos);
        b.put((byte) 0xFF).put((byte) marker).put((byte) (len >> 8)).put((byte) len);
        b.put(payload);
        b.put(jpeg, pos, jpeg.length - pos);
        return b.array();
    }

    /** An APP1 Exif payload whose IFD0 holds only the orientation tag. */
    static byte[] exifOrientation(int orientation, boolean littleEndian) {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        b.put("Exif".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 0);
        b.order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        b.put((byte) (littleEndian ? 'I' : 'M')).put((byte) (littleEndian ? 'I' : 'M'));
        b.putShort((short) 42).putInt(8);
        b.putShort((short) 1);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1);
        b.putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        return b.array();
    }

    /** An APP14 Adobe payload with the given colour transform (0 = none/CMYK, 2 = YCCK). */
    static byte[] adobe(int transform) {
        return new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    }

    /** A PNG made of the signature, an IHDR chunk with a valid CRC, and IEND; no pixel data. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(b, "IHDR", ihdr.array());
        chunk(b, "IEND", new byte[0]);
        return b.array();
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt(data.length).put(t).put(data).putInt((int) crc.getValue());
    }

    /** Overwrites the height and width in the first SOF0 segment of a baseline JPEG. */
    static byte[] patchJpegSize(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            if ((out[i] & 0xFF) == 0xFF && (out[i + 1] & 0xFF) == 0xC0) {
                out[i + 5] = (byte) (height >> 8);
                out[i + 6] = (byte) height;
                out[i + 7] = (byte) (width >> 8);
                out[i + 8] = (byte) width;
                return out;
            }
        }
        throw new IllegalStateException("no SOF0");
    }

    /** The deterministic pattern also generated in Python for the PIL reference values. */
    static RgbImage pattern(int w, int h) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 13 + y * 7) & 255;
                int g = (x * y * 5 + 31) & 255;
                int b = (255 - x * 3 - y * 5) & 255;
                px[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return new RgbImage(w, h, px);
    }

    /** The checksum the Python script computed: s = s * 31 + 0xRRGGBB over pixels, 31 bits. */
    static long checksum(int[] pixels) {
        long s = 0;
        for (int p : pixels) {
            s = (s * 31 + (p & 0xFFFFFF)) & 0x7FFFFFFFL;
        }
        return s;
    }

    static BufferedImage filled(int w, int h, int type, int rgb) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }
}
