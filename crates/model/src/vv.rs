//! Version vectors: what each side of a sync holds.
//!
//! For each device, the highest sequence number held with no gap below it.
//! Because every device's log is a dense sequence, this one number per
//! device says exactly which events a side has, and comparing two vectors
//! says exactly which to send: no session state, nothing to resume.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventId};
use crate::ids::DeviceId;
use crate::seqset::SeqSet;
use crate::wire::{DecodeError, Reader, Writer};

/// Device → highest contiguous seq held. Devices with nothing held are
/// simply absent, so two vectors that mean the same are equal.
///
/// JSON: an object from device hex id to seq, `{"3f…": 120}`. Binary: see
/// [`VersionVector::encode`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "BTreeMap<DeviceId, u64>", into = "BTreeMap<DeviceId, u64>")]
pub struct VersionVector {
    heads: BTreeMap<DeviceId, u64>,
}

impl From<BTreeMap<DeviceId, u64>> for VersionVector {
    fn from(mut heads: BTreeMap<DeviceId, u64>) -> Self {
        heads.retain(|_, seq| *seq > 0);
        VersionVector { heads }
    }
}

impl From<VersionVector> for BTreeMap<DeviceId, u64> {
    fn from(vv: VersionVector) -> Self {
        vv.heads
    }
}

impl VersionVector {
    pub fn new() -> Self {
        VersionVector::default()
    }

    /// The vector of a set of events: per device, the longest run from
    /// seq 1 with no gap. Events beyond a gap are held but not counted, so
    /// the other side sends the gap and those events again; inserts are
    /// idempotent, so that costs bytes, never correctness.
    pub fn of_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> VersionVector {
        let mut seen: BTreeMap<DeviceId, SeqSet> = BTreeMap::new();
        for event in events {
            seen.entry(event.device).or_default().insert(event.seq);
        }
        seen.into_iter()
            .map(|(device, seqs)| (device, seqs.contiguous_prefix()))
            .collect::<BTreeMap<_, _>>()
            .into()
    }

    /// Highest contiguous seq held for `device`; 0 when none.
    pub fn get(&self, device: DeviceId) -> u64 {
        self.heads.get(&device).copied().unwrap_or(0)
    }

    /// Sets the head for `device` (0 removes it).
    pub fn set(&mut self, device: DeviceId, seq: u64) {
        if seq == 0 {
            self.heads.remove(&device);
        } else {
            self.heads.insert(device, seq);
        }
    }

    /// Raises the head for `device` to `seq` if it is higher.
    pub fn advance(&mut self, device: DeviceId, seq: u64) {
        if seq > self.get(device) {
            self.heads.insert(device, seq);
        }
    }

    /// True if the event is covered by this vector.
    pub fn contains(&self, id: EventId) -> bool {
        id.seq >= 1 && id.seq <= self.get(id.device)
    }

    /// Pointwise maximum: what a side holds after receiving everything the
    /// other held.
    pub fn merge(&mut self, other: &VersionVector) {
        for (&device, &seq) in &other.heads {
            self.advance(device, seq);
        }
    }

    /// What `other` lacks of what `self` holds, to send: for each device
    /// where `self` is ahead, the range `other + 1 ..= self`. Ordered by
    /// device id.
    pub fn missing_from(&self, other: &VersionVector) -> Vec<(DeviceId, RangeInclusive<u64>)> {
        self.heads
            .iter()
            .filter_map(|(&device, &mine)| {
                let theirs = other.get(device);
                (mine > theirs).then(|| (device, theirs + 1..=mine))
            })
            .collect()
    }

    /// Devices and heads in device order.
    pub fn iter(&self) -> impl Iterator<Item = (DeviceId, u64)> + '_ {
        self.heads.iter().map(|(&device, &seq)| (device, seq))
    }

    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// Compact binary form. Wire format: do not modify.
    ///
    /// A varint count, then per device in ascending id order its 16 bytes
    /// and its head as a varint: about 19 bytes per device.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(1 + self.heads.len() * 19);
        w.varint(self.heads.len() as u64);
        for (device, &seq) in &self.heads {
            w.fixed(device.as_bytes());
            w.varint(seq);
        }
        w.into_bytes()
    }

    /// Reads [`VersionVector::encode`] back, refusing unsorted or repeated
    /// devices, zero heads and trailing bytes (so there is one encoding).
    pub fn decode(bytes: &[u8]) -> Result<VersionVector, DecodeError> {
        let mut r = Reader::new(bytes);
        let count = r.varint("device count")?;
        // Each entry takes at least 17 bytes: a hostile count allocates nothing.
        if count > (r.remaining() / 17) as u64 {
            return Err(DecodeError::Truncated("version vector"));
        }
        let mut heads = BTreeMap::new();
        let mut previous: Option<DeviceId> = None;
        for _ in 0..count {
            let device = DeviceId::from_bytes(r.fixed("device")?);
            if previous.is_some_and(|p| p >= device) {
                return Err(DecodeError::Invalid {
                    what: "version vector",
                    why: "devices not in strictly ascending order".into(),
                });
            }
            let seq = r.varint("head")?;
            if seq == 0 {
                return Err(DecodeError::OutOfRange {
                    what: "head",
                    value: 0,
                });
            }
            heads.insert(device, seq);
            previous = Some(device);
        }
        r.finish()?;
        Ok(VersionVector { heads })
    }
}

impl FromIterator<(DeviceId, u64)> for VersionVector {
    fn from_iter<I: IntoIterator<Item = (DeviceId, u64)>>(iter: I) -> Self {
        let mut vv = VersionVector::new();
        for (device, seq) in iter {
            vv.advance(device, seq);
        }
        vv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(n: u8) -> DeviceId {
        DeviceId::from_bytes([n; 16])
    }

    #[test]
    fn missing_from_lists_what_the_other_side_lacks() {
        let mine: VersionVector = [(dev(1), 10), (dev(2), 4), (dev(3), 7)]
            .into_iter()
            .collect();
        let theirs: VersionVector = [(dev(1), 3), (dev(2), 9)].into_iter().collect();
        assert_eq!(
            mine.missing_from(&theirs),
            vec![(dev(1), 4..=10), (dev(3), 1..=7)]
        );
        assert_eq!(theirs.missing_from(&mine), vec![(dev(2), 5..=9)]);
        assert!(mine.missing_from(&mine).is_empty());
    }

    #[test]
    fn json_is_an_object_of_hex_ids() {
        let vv: VersionVector = [(dev(0xab), 12)].into_iter().collect();
        let json = serde_json::to_string(&vv).unwrap();
        assert_eq!(json, format!("{{\"{}\":12}}", "ab".repeat(16)));
        let back: VersionVector = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vv);
        let zero: VersionVector =
            serde_json::from_str(&format!("{{\"{}\":0}}", "ab".repeat(16))).unwrap();
        assert!(zero.is_empty());
    }

    #[test]
    fn binary_form_is_strict() {
        let vv: VersionVector = [(dev(1), 300), (dev(2), 1)].into_iter().collect();
        let bytes = vv.encode();
        assert_eq!(bytes.len(), 1 + 16 + 2 + 16 + 1);
        assert_eq!(VersionVector::decode(&bytes).unwrap(), vv);
        let mut swapped = vec![2];
        swapped.extend_from_slice(&[2; 16]);
        swapped.push(1);
        swapped.extend_from_slice(&[1; 16]);
        swapped.push(1);
        assert!(VersionVector::decode(&swapped).is_err());
        assert!(VersionVector::decode(&[0xff, 0xff, 0xff, 0x0f]).is_err());
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(VersionVector::decode(&trailing).is_err());
    }
}
