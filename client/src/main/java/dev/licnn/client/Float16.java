package dev.licnn.client;

/** IEEE-754 binary16 ("half") to binary32 conversion, exact for every half value. */
final class Float16 {
  private Float16() {}

  /**
   * Converts the 16 bits of a half-precision number to the float of the same value: normal
   * numbers, subnormals (down to 2^-24), signed zeros, infinities and NaNs (payload kept).
   */
  static float toFloat(short half) {
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
