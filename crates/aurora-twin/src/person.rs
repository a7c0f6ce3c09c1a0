//! Creating a person's (or company's) twin identity with its data key, reaching the data
//! key, and master-key rotation.

use aurora_store::people::{PersonKind, PersonRecord, PersonStore};

use crate::crypto::{new_person_key, wrap_data_key, DataKey, WrappedKey};
use crate::keys::{KeyError, TwinKeys};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
    /// A key could not be made, unwrapped or wrapped.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// No such person.
    #[error("no such person")]
    NotFound,
}

impl From<crate::crypto::CryptoError> for PersonError {
    fn from(e: crate::crypto::CryptoError) -> Self {
        PersonError::Key(KeyError::Crypto(e))
    }
}

/// Creates a person or company with a fresh random id and data key.
pub async fn create(
    store: &dyn PersonStore,
    keys: &TwinKeys,
    kind: PersonKind,
) -> Result<PersonRecord, PersonError> {
    let id = uuid::Uuid::new_v4().to_string();
    let (_key, wrapped) = new_person_key(keys.master(), &id)?;
    Ok(store
        .create_person(&id, kind, &wrapped.encode(), wrapped.key_id().as_str())
        .await?)
}

/// The data key of a stored person.
pub fn data_key(keys: &TwinKeys, person: &PersonRecord) -> Result<DataKey, PersonError> {
    let wrapped = WrappedKey::decode(&person.wrapped_key)?;
    Ok(keys.unwrap(&wrapped, &person.id)?)
}

/// Loads a person and unwraps its data key.
pub async fn load_key(
    store: &dyn PersonStore,
    keys: &TwinKeys,
    person_id: &str,
) -> Result<(PersonRecord, DataKey), PersonError> {
    let person = store
        .person(person_id)
        .await?
        .ok_or(PersonError::NotFound)?;
    let key = data_key(keys, &person)?;
    Ok((person, key))
}

/// What a rotation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Data keys re-wrapped with the current master.
    pub rewrapped: u64,
    /// Data keys changed by someone else meanwhile (retried on the next batch).
    pub raced: u64,
}

/// Re-wraps every data key not wrapped by the current master of `keys` (which must still
/// hold the retired masters). Values are untouched: they are sealed with the data keys, which
/// do not change. Safe to interrupt and run again.
pub async fn rotate_master(
    store: &dyn PersonStore,
    keys: &TwinKeys,
) -> Result<Rotation, PersonError> {
    let current = keys.master().key_id();
    let mut done = Rotation::default();
    loop {
        let batch = store.persons_not_wrapped_by(current.as_str(), 500).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let mut progressed = false;
        for person in batch {
            let key = data_key(keys, &person)?;
            let wrapped = wrap_data_key(keys.master(), &key, &person.id)?;
            if store
                .rewrap_person(
                    &person.id,
                    &person.wrapped_key,
                    &wrapped.encode(),
                    current.as_str(),
                )
                .await?
            {
                done.rewrapped += 1;
                progressed = true;
            } else {
                done.raced += 1;
            }
        }
        if !progressed {
            // Everything in the batch changed under us: read it again rather than spin.
            tokio::task::yield_now().await;
        }
    }
}
