//! Shared texts a [`Record`](super::Record) took back from fields it
//! cleared, kept to be handed out again.
//!
//! Every classified record is given its agency, a text the allocation
//! table shares (an `Arc<str>`). Cloning it into the record and dropping it
//! when the record is cleared are two atomic operations a row, about 4% of
//! a batch's time, for a dozen agencies that come back again and again. So
//! a cleared field's shared text is parked here instead of dropped, and
//! the next field given the same text (by address) takes it back: moved,
//! not counted. A record holds its parked texts until it is dropped, so the
//! table's texts are never freed early, and a value is the same `Arc<str>`
//! whichever way it came.

use std::sync::Arc;

/// Parking slots: several times the agencies of a table, so that few
/// share a slot. (Two that do take turns: each is then cloned and dropped
/// as without parking.)
const SLOTS: usize = 256;

/// Parked shared texts, each in the slot its address hashes to.
#[derive(Clone, Default)]
pub(super) struct Parked {
    slots: Vec<Option<Arc<str>>>,
}

impl Parked {
    /// `text`, taken back from its slot if it is parked there, or cloned.
    #[inline]
    pub(super) fn take_or_clone(&mut self, text: &Arc<str>) -> Arc<str> {
        if let Some(kept) = self.slots.get_mut(slot(text)) {
            if kept.as_ref().is_some_and(|k| Arc::ptr_eq(k, text)) {
                if let Some(kept) = kept.take() {
                    return kept;
                }
            }
        }
        Arc::clone(text)
    }

    /// Keeps `text`, a value just cleared, in its slot (dropping the text
    /// parked there before, if another).
    #[inline(always)]
    pub(super) fn park(&mut self, text: Arc<str>) {
        let slot = slot(&text);
        match self.slots.get_mut(slot) {
            Some(kept) => *kept = Some(text),
            None => self.park_first(slot, text),
        }
    }

    /// [`park`](Self::park) into slots not yet made.
    #[cold]
    fn park_first(&mut self, slot: usize, text: Arc<str>) {
        self.slots.resize(SLOTS, None);
        if let Some(kept) = self.slots.get_mut(slot) {
            *kept = Some(text);
        }
    }
}

/// The slot of `text`: a multiplicative hash of its address.
#[inline]
fn slot(text: &Arc<str>) -> usize {
    const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
    let address = Arc::as_ptr(text).cast::<u8>().addr() as u64;
    (address.wrapping_mul(MIX) >> (u64::BITS - SLOTS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parked_text_is_moved_back_and_others_are_cloned() {
        let ars: Arc<str> = Arc::from("ARS");
        let fs: Arc<str> = Arc::from("FS");
        let mut parked = Parked::default();
        let first = parked.take_or_clone(&ars);
        assert_eq!(Arc::strong_count(&ars), 2, "nothing parked: cloned");
        parked.park(first);
        let again = parked.take_or_clone(&ars);
        assert!(Arc::ptr_eq(&again, &ars));
        assert_eq!(Arc::strong_count(&ars), 2, "moved back, not cloned");
        let other = parked.take_or_clone(&fs);
        assert_eq!(Arc::strong_count(&fs), 2);
        parked.park(again);
        parked.park(other);
        drop(parked);
        assert_eq!((Arc::strong_count(&ars), Arc::strong_count(&fs)), (1, 1));
    }
}
