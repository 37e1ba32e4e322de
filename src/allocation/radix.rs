//! Sorting many numbers by radix, for putting a large allocation table's
//! IPv4 prefixes in address order.
//!
//! The table sorts one packed number per IPv4 prefix (100,000 of them for
//! a large table); the standard sort spent about 150 instructions a number
//! on them. A least-significant-digit radix sort spends a few dozen, and
//! skips the digits all numbers share (the packed entry index's high bits
//! are zero in any but a huge table).

/// Bits of a number each pass sorts by; 2^11 counts per digit stay in the
/// first-level cache.
const DIGIT_BITS: u32 = 11;

/// Counts per digit.
const BUCKETS: usize = 1 << DIGIT_BITS;

/// Digits of a `u64`.
const DIGITS: usize = 64usize.div_ceil(DIGIT_BITS as usize);

/// Below this many numbers the standard sort is as quick as clearing and
/// summing the counts.
const RADIX_FROM: usize = 1 << 12;

/// Sorts `numbers` ascending by their bits from bit `low` up, keeping
/// numbers equal there in the order they came (a stable sort): the same
/// result as `sort_by_key(|n| n >> low)`.
///
/// The bits below `low` ride along unsorted: the table packs an entry's
/// index there, and its entries come in index order, so a stable sort of
/// the prefixes above leaves equal prefixes in index order without
/// sorting by the index's digits (two passes of six for 100,000 rows).
pub(super) fn sort_by_bits_from(numbers: &mut Vec<u64>, low: u32) {
    let high = |number: u64| number.checked_shr(low).unwrap_or(0);
    if numbers.len() < RADIX_FROM {
        numbers.sort_by_key(|&n| high(n));
        return;
    }
    let digits = 64u32.saturating_sub(low).div_ceil(DIGIT_BITS) as usize;
    // Every digit's counts in one read of the numbers.
    let mut counts = vec![[0usize; BUCKETS]; digits.min(DIGITS)];
    for &number in numbers.iter() {
        for (digit, counts) in counts.iter_mut().enumerate() {
            if let Some(count) = counts.get_mut(bucket(high(number), digit)) {
                *count += 1;
            }
        }
    }
    let mut from = std::mem::take(numbers);
    let mut to = vec![0u64; from.len()];
    for (digit, counts) in counts.iter_mut().enumerate() {
        // All numbers share this digit: the pass would not move any.
        if counts.contains(&from.len()) {
            continue;
        }
        // Each bucket's first place: the counts of the buckets before it.
        let mut before = 0;
        for count in counts.iter_mut() {
            let here = *count;
            *count = before;
            before += here;
        }
        for &number in &from {
            if let Some(place) = counts.get_mut(bucket(high(number), digit)) {
                if let Some(slot) = to.get_mut(*place) {
                    *slot = number;
                }
                *place += 1;
            }
        }
        std::mem::swap(&mut from, &mut to);
    }
    *numbers = from;
}

/// The `digit`th digit of `number`, counting from the least significant.
#[inline(always)]
fn bucket(number: u64, digit: usize) -> usize {
    (number >> (digit as u32 * DIGIT_BITS)) as usize & (BUCKETS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The radix sort orders as the standard stable sort by the same
        /// bits does, for tables above and below the size where it takes
        /// over, with numbers that share digits (skipped passes) and
        /// numbers that do not, and equal high bits with different low ones.
        #[test]
        fn sorts_as_the_standard_stable_sort(
            seed in 0u64..=u64::MAX,
            len in proptest::sample::select(vec![0usize, 1, 100, RADIX_FROM - 1, RADIX_FROM, 3 * RADIX_FROM + 7]),
            mask in proptest::sample::select(vec![u64::MAX, 0xffff_ffff_0000_0fff, 0xff00_0000_0000_0000, 0, 0x7ff, 0xf000_0000_03ff_ffff]),
            low in proptest::sample::select(vec![0u32, 1, 11, 26, 40, 63, 64]),
        ) {
            let mut state = seed;
            let mut numbers: Vec<u64> = (0..len)
                .map(|_| {
                    // splitmix64: a different number each step.
                    state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                    let mut z = state;
                    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                    (z ^ (z >> 31)) & mask
                })
                .collect();
            let mut expected = numbers.clone();
            expected.sort_by_key(|&n| n.checked_shr(low).unwrap_or(0));
            sort_by_bits_from(&mut numbers, low);
            proptest::prop_assert_eq!(numbers, expected);
        }
    }
}
