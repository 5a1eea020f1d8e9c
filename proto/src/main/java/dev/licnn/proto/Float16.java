package dev.licnn.proto;

/**
 * IEEE 754 binary16 ("half") conversions of the contract's {@code MAP_ENCODING_FLOAT16} maps: the
 * server encodes with {@link #fromFloat}, clients decode with {@link #toFloat} (Java 17 has no
 * {@code Float.floatToFloat16}).
 */
public final class Float16 {

    private Float16() {}

    /** The half nearest to {@code f} (ties to even); overflow gives an infinity, NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }

    /**
     * Converts the 16 bits of a half-precision number to the float of the same value: normal
     * numbers, subnormals (down to 2^-24), signed zeros, infinities and NaNs (payload kept).
     */
    public static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float magnitude = mantissa * 0x1p-24f; // exact: mantissa < 2^10
            return sign == 0 ? magnitude : -magnitude;
        }
        // Re-bias the exponent from 15 to 127 and widen the mantissa from 10 to 23 bits.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
