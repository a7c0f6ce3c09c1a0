//! A fixed-size bit set over internal document numbers.

/// Bits `0..len`, 64 to a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BitSet {
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    /// All bits clear.
    pub(crate) fn new(len: usize) -> Self {
        BitSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// The set of the listed (in-range) positions.
    #[cfg(test)]
    pub(crate) fn from_sorted(len: usize, items: &[u32]) -> Self {
        let mut s = BitSet::new(len);
        s.extend(items);
        s
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Grows to `len` bits (new bits clear).
    pub(crate) fn grow(&mut self, len: usize) {
        if len > self.len {
            self.len = len;
            self.words.resize(len.div_ceil(64), 0);
        }
    }

    pub(crate) fn insert(&mut self, i: u32) {
        let i = i as usize;
        debug_assert!(i < self.len);
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn remove(&mut self, i: u32) {
        let i = i as usize;
        if i < self.len {
            self.words[i / 64] &= !(1 << (i % 64));
        }
    }

    #[inline]
    pub(crate) fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Sets every listed position.
    pub(crate) fn extend(&mut self, items: &[u32]) {
        for &i in items {
            if (i as usize) < self.len {
                self.insert(i);
            }
        }
    }

    pub(crate) fn and_assign(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
        for a in self.words.iter_mut().skip(other.words.len()) {
            *a = 0;
        }
    }

    pub(crate) fn or_assign(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Clears the bits set in `other`.
    pub(crate) fn and_not_assign(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Set positions in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros();
                w &= w - 1;
                Some((wi * 64) as u32 + t)
            })
        })
    }

    /// Heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut a = BitSet::from_sorted(130, &[1, 64, 129]);
        let b = BitSet::from_sorted(130, &[64, 100]);
        assert_eq!(a.iter().collect::<Vec<_>>(), [1, 64, 129]);
        let mut u = a.clone();
        u.or_assign(&b);
        assert_eq!(u.count(), 4);
        let mut d = a.clone();
        d.and_not_assign(&b);
        assert_eq!(d.iter().collect::<Vec<_>>(), [1, 129]);
        a.and_assign(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), [64]);
        a.grow(300);
        a.insert(299);
        assert!(a.contains(299) && !a.contains(300));
        a.remove(64);
        assert_eq!(a.iter().collect::<Vec<_>>(), [299]);
    }
}
