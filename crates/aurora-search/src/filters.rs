//! Filters with the reference semantics, answered from per-code document lists.
//!
//! The semantics are those of [`ServiceFilter`] (and of `aurora-store`'s SQL):
//! * geography: `only_national` → national services only; no area → everything, or only
//!   non-national services if `include_national` is false; areas → the union of their
//!   municipalities, plus national services if `include_national`;
//! * classes and life events match the code itself or its parent (`P5` matches `P5.1`);
//! * target groups, collections and funding types match exactly;
//! * families AND together, values within a family OR.
//!
//! Each code keeps the sorted list of internal documents that carry it (a class list also
//! holds the services of its sub-classes); a query ORs the lists of each family into a
//! bit set and ANDs the families, so a filter costs time proportional to the documents it
//! names, not to the catalogue.

use rustc_hash::FxHashMap as HashMap;

use aurora_model::{parent_code, FundingType, Service, ServiceFilter};

use crate::bitset::BitSet;

#[derive(Debug, Default)]
pub(crate) struct FilterIndex {
    nationwide: BitSet,
    municipalities: HashMap<String, Vec<u32>>,
    classes: HashMap<String, Vec<u32>>,
    life_events: HashMap<String, Vec<u32>>,
    target_groups: HashMap<String, Vec<u32>>,
    collections: HashMap<String, Vec<u32>>,
    funding: HashMap<FundingType, Vec<u32>>,
}

fn push(map: &mut HashMap<String, Vec<u32>>, key: &str, doc: u32) {
    let list = map.entry(key.to_string()).or_default();
    if list.last() != Some(&doc) {
        list.push(doc);
    }
}

impl FilterIndex {
    /// Records the codes of document `doc` (numbers must be added in increasing order).
    pub(crate) fn add(&mut self, doc: u32, service: &Service) {
        self.nationwide.grow(doc as usize + 1);
        if service.area_type.is_nationwide() {
            self.nationwide.insert(doc);
        }
        for m in service.municipality_codes() {
            push(&mut self.municipalities, &m, doc);
        }
        for (map, refs) in [
            (&mut self.classes, &service.service_classes),
            (&mut self.life_events, &service.life_events),
        ] {
            for r in refs {
                let code = r.code.trim();
                if code.is_empty() {
                    continue;
                }
                push(map, code, doc);
                if let Some(parent) = parent_code(code) {
                    push(map, parent, doc);
                }
            }
        }
        for r in &service.target_groups {
            let code = r.code.trim();
            if !code.is_empty() {
                push(&mut self.target_groups, code, doc);
            }
        }
        for c in &service.collections {
            if !c.is_empty() {
                push(&mut self.collections, c, doc);
            }
        }
        if let Some(f) = service.funding_type {
            let list = self.funding.entry(f).or_default();
            list.push(doc);
        }
    }

    /// Renumbers documents after compaction: `map[old]` is the new number or `None`.
    pub(crate) fn remap(&mut self, map: &[Option<u32>], len: usize) {
        let remap_list = |list: &mut Vec<u32>| {
            list.retain_mut(|d| match map[*d as usize] {
                Some(n) => {
                    *d = n;
                    true
                }
                None => false,
            });
        };
        for m in [
            &mut self.municipalities,
            &mut self.classes,
            &mut self.life_events,
            &mut self.target_groups,
            &mut self.collections,
        ] {
            m.values_mut().for_each(remap_list);
            m.retain(|_, l| !l.is_empty());
        }
        self.funding.values_mut().for_each(remap_list);
        let old = std::mem::take(&mut self.nationwide);
        self.nationwide = BitSet::new(len);
        for d in old.iter() {
            if let Some(n) = map[d as usize] {
                self.nationwide.insert(n);
            }
        }
    }

    /// The live documents matching `filter`, or `None` when it constrains nothing.
    pub(crate) fn candidates(&self, filter: &ServiceFilter, live: &BitSet) -> Option<BitSet> {
        let len = live.len();
        let mut nationwide = self.nationwide.clone();
        nationwide.grow(len);
        let union = |map: &HashMap<String, Vec<u32>>, keys: &mut dyn Iterator<Item = &str>| {
            let mut set = BitSet::new(len);
            for k in keys {
                if let Some(list) = map.get(k) {
                    set.extend(list);
                }
            }
            set
        };
        let mut families: Vec<BitSet> = Vec::new();
        if filter.only_national {
            families.push(nationwide);
        } else if !filter.has_area() {
            if !filter.include_national {
                let mut s = live.clone();
                s.and_not_assign(&nationwide);
                families.push(s);
            }
        } else {
            let codes = filter.municipality_union();
            let mut s = union(&self.municipalities, &mut codes.iter().map(String::as_str));
            if filter.include_national {
                s.or_assign(&nationwide);
            }
            families.push(s);
        }
        for (map, values) in [
            (&self.classes, &filter.service_classes),
            (&self.life_events, &filter.life_events),
            (&self.target_groups, &filter.target_groups),
            (&self.collections, &filter.collections),
        ] {
            if !values.is_empty() {
                families.push(union(map, &mut values.iter().map(String::as_str)));
            }
        }
        if !filter.funding_types.is_empty() {
            let mut s = BitSet::new(len);
            for f in &filter.funding_types {
                if let Some(list) = self.funding.get(f) {
                    s.extend(list);
                }
            }
            families.push(s);
        }
        if families.is_empty() {
            return None;
        }
        let mut out = live.clone();
        for f in &families {
            out.and_assign(f);
        }
        Some(out)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let lists = |m: &HashMap<String, Vec<u32>>| -> usize {
            m.iter()
                .map(|(k, v)| k.capacity() + v.capacity() * 4 + 48)
                .sum()
        };
        self.nationwide.heap_bytes()
            + lists(&self.municipalities)
            + lists(&self.classes)
            + lists(&self.life_events)
            + lists(&self.target_groups)
            + lists(&self.collections)
            + self
                .funding
                .values()
                .map(|v| v.capacity() * 4)
                .sum::<usize>()
    }
}
