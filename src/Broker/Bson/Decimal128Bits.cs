namespace Broker.Bson;

/// <summary>
/// Converts between <see cref="decimal"/> and BSON's Decimal128 (IEEE 754-2008, binary integer significand) the way
/// MongoDB.Bson's <c>DecimalSerializer</c> does: a decimal keeps its scale (12.340 stays 12.340), except that
/// <see cref="decimal.MinValue"/> and <see cref="decimal.MaxValue"/> travel as Decimal128's own minimum and maximum.
/// Reading rounds away digits below decimal's 28th place (1E-30 reads as 0), as <c>Decimal128.ToDecimal</c> does.
/// </summary>
internal static class Decimal128Bits
{
    private const int ExponentBias = 6176;
    private const ulong SignBit = 1UL << 63;
    private const ulong InfinityOrNaN = 0x7800_0000_0000_0000;
    private const ulong SecondForm = 0x6000_0000_0000_0000;
    private const ulong SignificandHighMask = (1UL << 49) - 1;
    private static readonly UInt128 MaxDecimalSignificand = (UInt128.One << 96) - 1;

    // Decimal128.MaxValue and MinValue: 9999999999999999999999999999999999E+6111 and its negation.
    private const ulong MaxHighBits = 0x5FFF_ED09_BEAD_87C0;
    private const ulong MinHighBits = 0xDFFF_ED09_BEAD_87C0;
    private const ulong ExtremeLowBits = 0x378D_8E63_FFFF_FFFF;

    /// <summary>The high bits of a non-negative integer below 2^64: exponent 0, no sign, nothing above the low 64 bits.</summary>
    public const ulong IntegerHighBits = (ulong)ExponentBias << 49;

    public static void FromDecimal(decimal value, out ulong highBits, out ulong lowBits)
    {
        if (value == decimal.MaxValue || value == decimal.MinValue)
        {
            highBits = value == decimal.MaxValue ? MaxHighBits : MinHighBits;
            lowBits = ExtremeLowBits;
            return;
        }
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var negative = bits[3] < 0;
        var scale = (bits[3] >> 16) & 0xFF;
        highBits = (negative ? SignBit : 0) | ((ulong)(ExponentBias - scale) << 49) | (uint)bits[2];
        lowBits = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
    }

    /// <summary>Converts exactly, or says why it cannot: NaN, infinity, or a value outside decimal's range or precision.</summary>
    public static bool TryToDecimal(ulong highBits, ulong lowBits, out decimal value, out string? error)
    {
        value = default;
        error = null;
        if (lowBits == ExtremeLowBits && highBits is MaxHighBits or MinHighBits)
        {
            value = highBits == MaxHighBits ? decimal.MaxValue : decimal.MinValue;
            return true;
        }
        if ((highBits & InfinityOrNaN) == InfinityOrNaN)
        {
            error = "NaN and infinity have no Decimal value.";
            return false;
        }

        var negative = (highBits & SignBit) != 0;
        int exponent;
        UInt128 significand;
        if ((highBits & SecondForm) == SecondForm)
        {
            // The second encoding form only holds significands above 10^34, which the specification reads as zero.
            exponent = (int)((highBits >> 47) & 0x3FFF) - ExponentBias;
            significand = UInt128.Zero;
        }
        else
        {
            exponent = (int)((highBits >> 49) & 0x3FFF) - ExponentBias;
            significand = new UInt128(highBits & SignificandHighMask, lowBits);
        }

        if (significand.IsZero())
        {
            // Zero fits at any scale decimal can hold.
            exponent = Math.Clamp(exponent, -28, 0);
        }
        while (exponent > 0)
        {
            if (significand > MaxDecimalSignificand / 10)
            {
                error = "the value is outside the range of Decimal.";
                return false;
            }
            significand *= 10;
            exponent--;
        }
        // Fractional digits beyond what decimal holds are rounded away (half to even); whole digits cannot be.
        while (exponent < -28 || significand > MaxDecimalSignificand)
        {
            if (exponent >= 0)
            {
                error = "the value is outside the range of Decimal.";
                return false;
            }
            var remainder = significand % 10;
            significand /= 10;
            exponent++;
            if (remainder > 5 || (remainder == 5 && (significand & 1) == 1))
                significand++;
        }

        var lower = (ulong)significand;
        var upper = (uint)(significand >> 64);
        value = new decimal((int)(uint)lower, (int)(uint)(lower >> 32), (int)upper, negative, (byte)-exponent);
        return true;
    }

    private static bool IsZero(this UInt128 value) => value == UInt128.Zero;
}
