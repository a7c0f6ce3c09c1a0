//! Integration tests of aurora-nlu, one module per feature (one binary: one link, one shared
//! `Understander`).
//!
//! * `intents`: life events and service classes per intent family, in fi/sv/en;
//! * `target_groups`: citizens, businesses, sub-groups;
//! * `language`: language identification, also of one-word texts;
//! * `municipalities`: all 309 municipalities in generated inflected forms, plus real forms;
//! * `entities`: ages, dates and durations;
//! * `urgent`: self-harm, violence and emergency phrases, and texts that must not alarm;
//! * `bad_input`: empty, huge, binary, mixed-script and emoji input;
//! * `output`: the JSON shape clients depend on, explanations and hierarchy;
//! * `eval`: the development set, floors, equality between languages and calibration.

mod common;

mod bad_input;
mod entities;
mod eval;
mod intents;
mod language;
mod municipalities;
mod output;
mod target_groups;
mod urgent;
