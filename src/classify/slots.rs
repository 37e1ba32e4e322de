//! The shape of both caches a [`Scratch`](super::Scratch) holds (remembered
//! decisions, counted working-day windows): a fixed number of slots, each
//! empty or holding the last entry that hashed to it. The owner empties a
//! table before another classifier uses it, so slots need not say whose
//! entry they hold.

/// `N` slots of `T`. Nothing is allocated until a slot is first taken, so a
/// cache never used costs nothing.
pub struct Slots<T, const N: usize> {
    slots: Vec<Option<T>>,
}

impl<T, const N: usize> Default for Slots<T, N> {
    fn default() -> Self {
        Slots { slots: Vec::new() }
    }
}

impl<T, const N: usize> Slots<T, N> {
    /// Empties every slot.
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// Whether every slot is empty.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }

    /// The entry in slot `i`, if any.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        self.slots.get(i)?.as_ref()
    }

    /// Slot `i`, to fill or change; `None` past the last.
    #[inline]
    pub fn slot_mut(&mut self, i: usize) -> Option<&mut Option<T>> {
        if self.slots.is_empty() {
            self.slots.resize_with(N, || None);
        }
        self.slots.get_mut(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_taken_on_first_use_and_emptied_by_clear() {
        let mut slots: Slots<u32, 4> = Slots::default();
        assert!(slots.is_empty());
        assert_eq!(slots.get(1), None);
        *slots.slot_mut(1).expect("slot 1 of 4") = Some(7);
        assert_eq!(slots.get(1), Some(&7));
        assert!(!slots.is_empty());
        assert!(slots.slot_mut(4).is_none(), "past the last slot");
        slots.clear();
        assert!(slots.is_empty());
        assert_eq!(slots.get(1), None);
    }
}
