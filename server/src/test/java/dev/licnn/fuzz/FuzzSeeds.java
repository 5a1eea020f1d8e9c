package dev.licnn.fuzz;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.ClassList;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.ImageSize;
import dev.licnn.proto.v1.LicnnOptions;
import dev.licnn.proto.v1.MapEncoding;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes the committed seed corpora of the fuzz targets. Run from the repository root after
 * changing it: {@code java -cp <test classpath> dev.licnn.fuzz.FuzzSeeds
 * server/src/test/resources}.
 */
public final class FuzzSeeds {

    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "server/src/test/resources");
        Path images = root.resolve("dev/licnn/fuzz/ImageFuzzTestInputs/prepare");
        write(images, "png-rgb", png(picture(40, 30, BufferedImage.TYPE_INT_RGB)));
        write(images, "png-grey", png(picture(20, 20, BufferedImage.TYPE_BYTE_GRAY)));
        write(images, "png-alpha", png(picture(16, 24, BufferedImage.TYPE_INT_ARGB)));
        write(images, "png-palette", png(picture(16, 16, BufferedImage.TYPE_BYTE_INDEXED)));
        write(images, "png-16bit", png(picture(12, 12, BufferedImage.TYPE_USHORT_GRAY)));
        byte[] jpeg = jpeg(picture(40, 30, BufferedImage.TYPE_INT_RGB));
        write(images, "jpeg-baseline", jpeg);
        write(images, "jpeg-grey", jpeg(picture(24, 24, BufferedImage.TYPE_BYTE_GRAY)));
        write(images, "jpeg-exif-orientation-6", insertAfterSoi(jpeg, 0xE1, exif(6, false)));
        write(images, "jpeg-exif-orientation-8-le", insertAfterSoi(jpeg, 0xE1, exif(8, true)));
        byte[] fourChannel = jpeg(cmykRaster(24, 16));
        write(images, "jpeg-cmyk-adobe", insertAfterSoi(fourChannel, 0xEE, adobe(0)));
        write(images, "jpeg-ycck-adobe", insertAfterSoi(fourChannel, 0xEE, adobe(2)));
        write(images, "jpeg-4-channel-no-adobe", fourChannel);
        write(
                images,
                "png-truncated",
                Arrays.copyOf(png(picture(40, 30, BufferedImage.TYPE_INT_RGB)), 60));
        write(images, "jpeg-truncated", Arrays.copyOf(jpeg, jpeg.length / 2));
        write(images, "png-header-50000x50000", pngHeaderOnly(50000, 50000));
        write(images, "png-header-0x7", pngHeaderOnly(0, 7));
        write(images, "not-an-image", "GIF89a not supported".getBytes(StandardCharsets.US_ASCII));

        Path st = root.resolve("dev/licnn/fuzz/ModelFilesFuzzTestInputs/safetensors");
        write(
                st,
                "two-tensors",
                safetensors(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]},\"__metadata__\":{\"format\":\"pt\"}}",
                        28));
        write(
                st,
                "f16-i64",
                safetensors(
                        "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                                + "\"i\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}",
                        16));
        write(
                st,
                "offsets-past-end",
                safetensors(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}}",
                        8));
        write(
                st,
                "shape-size-mismatch",
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        write(st, "empty-header", safetensors("{}", 0));
        byte[] huge = new byte[16];
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        write(st, "header-length-huge", huge);

        Path model = root.resolve("dev/licnn/fuzz/ModelFilesFuzzTestInputs/modelFolder");
        String labels =
                "[{\"id\":0,\"key\":\"a\",\"name\":\"A\"},{\"id\":1,\"key\":\"b\",\"name\":\"B\"}]";
        String json =
                "{\"name\":\"m\",\"weights\":\"weights.safetensors\",\"labels\":\"labels.json\","
                        + "\"architecture\":{\"name\":\"vgg11-tiny\",\"layers\":[8,\"M\",16,\"M\"],\"batch_norm\":false,"
                        + "\"hidden\":16,\"num_classes\":2,\"input_size\":32},"
                        + "\"preprocessing\":{\"resize_shorter\":36,\"crop\":32,\"mean\":[0.5,0.5,0.5],\"std\":[0.2,0.2,0.2]}}";
        write(model, "valid", folder(labels, json));
        write(
                model,
                "labels-count-mismatch",
                folder(labels, json.replace("\"num_classes\":2", "\"num_classes\":5")));
        write(model, "no-labels-file", folder("", json.replace(",\"labels\":\"labels.json\"", "")));
        write(
                model,
                "negative-sizes",
                folder(labels, json.replace("\"hidden\":16", "\"hidden\":-16")));
        write(model, "labels-not-json", folder("[{", json));

        Path req = root.resolve("dev/licnn/server/RequestFuzzTestInputs/explainRequest");
        ImageInput small =
                ImageInput.newBuilder()
                        .setEncoded(
                                ByteString.copyFrom(png(picture(8, 8, BufferedImage.TYPE_INT_RGB))))
                        .build();
        write(req, "minimal", ExplainRequest.newBuilder().setImage(small).build().toByteArray());
        write(
                req,
                "every-option",
                ExplainRequest.newBuilder()
                        .setImage(small)
                        .setTopK(3)
                        .setLicnnOptions(
                                LicnnOptions.newBuilder()
                                        .setLizSize(5)
                                        .setA(0.2f)
                                        .setB(0.8f)
                                        .setInhibitLastRelu(true))
                        .addLayerMapKinds(MapKind.MAP_KIND_SUPPRESSION_MASK)
                        .addLayerNames("relu3_1")
                        .addLayerIndices(12)
                        .setMapEncoding(MapEncoding.MAP_ENCODING_UINT8)
                        .setOutputSize(ImageSize.newBuilder().setHeight(7).setWidth(9))
                        .setRankingSize(10)
                        .setOmitAttentionMaps(true)
                        .build()
                        .toByteArray());
        write(
                req,
                "class-ids",
                ExplainRequest.newBuilder()
                        .setImage(small)
                        .setClassIds(ClassList.newBuilder().addClassIds(9).addClassIds(0))
                        .build()
                        .toByteArray());
        write(
                req,
                "grad-cam",
                ExplainRequest.newBuilder()
                        .setImage(small)
                        .setMethod(ExplainMethod.EXPLAIN_METHOD_GRAD_CAM)
                        .setBaselineOptions(
                                dev.licnn.proto.v1.BaselineOptions.newBuilder().setGradCamLayer(12))
                        .build()
                        .toByteArray());
        write(
                req,
                "tensor-wrong-size",
                ExplainRequest.newBuilder()
                        .setImage(
                                ImageInput.newBuilder()
                                        .setTensor(
                                                Tensor.newBuilder()
                                                        .addShape(3)
                                                        .addShape(2)
                                                        .addShape(2)
                                                        .setData(
                                                                ByteString.copyFrom(new byte[48]))))
                        .build()
                        .toByteArray());
        write(
                req,
                "unknown-enum-values",
                ExplainRequest.newBuilder()
                        .setImage(small)
                        .setMethodValue(77)
                        .addLayerMapKindsValue(99)
                        .setMapEncodingValue(42)
                        .build()
                        .toByteArray());
        Path tensors = root.resolve("dev/licnn/server/RequestFuzzTestInputs/tensor");
        write(tensors, "zeros", new byte[64]);
        byte[] nan = new byte[64];
        ByteBuffer.wrap(nan)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(40, Float.NaN)
                .putFloat(44, Float.POSITIVE_INFINITY);
        write(tensors, "nan-inf", nan);
    }

    private static void write(Path dir, String name, byte[] data) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), data);
    }

    static BufferedImage picture(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 120, 200, 200));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.ORANGE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /**
     * A JPEG of a picture, or of a raw 4-band raster (written as CMYK/YCCK data without colour
     * conversion).
     */
    static byte[] jpeg(Object imageOrRaster) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            IIOImage img =
                    imageOrRaster instanceof Raster r
                            ? new IIOImage(r, null, null)
                            : new IIOImage((BufferedImage) imageOrRaster, null, null);
            w.write(null, img, w.getDefaultWriteParam());
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    static Raster cmykRaster(int w, int h) {
        WritableRaster r =
                Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setPixel(x, y, new int[] {x * 10 % 256, y * 15 % 256, (x + y) * 5 % 256, 40});
            }
        }
        return r;
    }

    /** Inserts a segment with {@code marker} (0xE1 APP1, 0xEE APP14) right after SOI. */
    static byte[] insertAfterSoi(byte[] jpeg, int marker, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(jpeg.length + 4 + payload.length);
        b.put(jpeg, 0, 2)
                .put((byte) 0xFF)
                .put((byte) marker)
                .putShort((short) (payload.length + 2))
                .put(payload)
                .put(jpeg, 2, jpeg.length - 2);
        return b.array();
    }

    /** An APP1 Exif payload with one IFD entry: Orientation = {@code orientation}. */
    static byte[] exif(int orientation, boolean littleEndian) {
        ByteBuffer b =
                ByteBuffer.allocate(6 + 8 + 2 + 12 + 4)
                        .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        b.put(littleEndian ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'})
                .putShort((short) 42)
                .putInt(8);
        b.putShort((short) 1)
                .putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0)
                .putInt(0);
        return b.array();
    }

    /** An APP14 Adobe payload with colour transform {@code transform} (0 CMYK, 2 YCCK). */
    static byte[] adobe(int transform) {
        return new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    }

    static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(w)
                .putInt(h)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static byte[] safetensors(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    static byte[] folder(String labels, String modelJson) {
        byte[] l = labels.getBytes(StandardCharsets.UTF_8);
        byte[] m = modelJson.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[l.length + 1 + m.length];
        System.arraycopy(l, 0, out, 0, l.length);
        System.arraycopy(m, 0, out, l.length + 1, m.length);
        return out;
    }
}
