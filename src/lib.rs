//! Krea Studio.
