//! A list that is only ever appended to, read without locks: how a handler finds its series on the
//! hot path while another thread may be adding one.

use std::sync::{Mutex, OnceLock, PoisonError};

/// A singly linked list of leaked nodes. Readers follow `OnceLock`s (one acquire load a node);
/// writers serialise on a mutex so that a value is added once.
pub(crate) struct AppendOnly<T: 'static> {
    head: OnceLock<&'static Node<T>>,
    writer: Mutex<()>,
}

struct Node<T: 'static> {
    value: T,
    next: OnceLock<&'static Node<T>>,
}

impl<T: Sync + Send + 'static> AppendOnly<T> {
    pub(crate) const fn new() -> Self {
        AppendOnly {
            head: OnceLock::new(),
            writer: Mutex::new(()),
        }
    }

    /// Every value, oldest first.
    #[inline]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'static T> + '_ {
        let mut next = self.head.get().copied();
        std::iter::from_fn(move || {
            let node = next?;
            next = node.next.get().copied();
            Some(&node.value)
        })
    }

    /// The first value that `matches`, or else the one `create` makes, added once even when
    /// several threads ask at the same time.
    pub(crate) fn find_or_insert(
        &self,
        matches: impl Fn(&T) -> bool,
        create: impl FnOnce() -> T,
    ) -> &'static T {
        if let Some(found) = self.iter().find(|v| matches(v)) {
            return found;
        }
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = self.iter().find(|v| matches(v)) {
            return found;
        }
        self.append_locked(create())
    }

    fn append_locked(&self, value: T) -> &'static T {
        let node: &'static Node<T> = Box::leak(Box::new(Node {
            value,
            next: OnceLock::new(),
        }));
        let mut link = &self.head;
        while let Some(existing) = link.get() {
            link = &existing.next;
        }
        // Writers hold the mutex, so the last link is still empty.
        let _ = link.set(node);
        &node.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_is_added_once_under_contention() {
        static LIST: AppendOnly<u32> = AppendOnly::new();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    for v in 0..50 {
                        LIST.find_or_insert(|x| *x == v, || v);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let values: Vec<u32> = LIST.iter().copied().collect();
        assert_eq!(values, (0..50).collect::<Vec<_>>());
    }
}
