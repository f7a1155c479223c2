//! A bounds-checked cursor over the mapped bytes. Every read checks the bytes left first and
//! reports the absolute file offset of the value it could not read.

use super::ByteOrder;
use crate::error::{Error, ErrorKind, Result};

/// How wide the file's counts and lengths are: GGUF v1 stores them as u32, later versions as u64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LenWidth {
    /// GGUF v1.
    U32,
    /// GGUF v2 and v3.
    U64,
}

impl LenWidth {
    /// The width a GGUF version uses.
    pub(crate) fn of_version(version: u32) -> LenWidth {
        if version == 1 {
            LenWidth::U32
        } else {
            LenWidth::U64
        }
    }
}

/// Reads GGUF primitives from a borrowed slice, in the file's byte order and version.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    order: ByteOrder,
    width: LenWidth,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize, order: ByteOrder, width: LenWidth) -> Cursor<'a> {
        Cursor {
            data,
            pos,
            order,
            width,
        }
    }

    /// The absolute offset of the next byte.
    #[inline]
    pub(crate) fn pos(&self) -> u64 {
        self.pos as u64
    }

    #[inline]
    pub(crate) fn remaining(&self) -> u64 {
        (self.data.len() - self.pos) as u64
    }

    pub(crate) fn width(&self) -> LenWidth {
        self.width
    }

    pub(crate) fn order(&self) -> ByteOrder {
        self.order
    }

    /// `N` bytes, checked like [`Cursor::take`].
    #[inline]
    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let b = self.take(N as u64, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        Ok(a)
    }

    #[inline]
    pub(crate) fn take(&mut self, n: u64, what: &'static str) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(Error::at(
                self.pos(),
                ErrorKind::UnexpectedEof {
                    what,
                    needed: n,
                    available: self.remaining(),
                },
            ));
        }
        let start = self.pos;
        self.pos += n as usize;
        Ok(&self.data[start..self.pos])
    }

    #[inline]
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    #[inline]
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16> {
        let b = self.array(what)?;
        Ok(match self.order {
            ByteOrder::Big => u16::from_be_bytes(b),
            ByteOrder::Little => u16::from_le_bytes(b),
        })
    }

    #[inline]
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32> {
        let b = self.array(what)?;
        Ok(match self.order {
            ByteOrder::Big => u32::from_be_bytes(b),
            ByteOrder::Little => u32::from_le_bytes(b),
        })
    }

    #[inline]
    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64> {
        let b = self.array(what)?;
        Ok(match self.order {
            ByteOrder::Big => u64::from_be_bytes(b),
            ByteOrder::Little => u64::from_le_bytes(b),
        })
    }

    /// A count or length: u32 in GGUF v1, u64 after.
    #[inline]
    pub(crate) fn len(&mut self, what: &'static str) -> Result<u64> {
        match self.width {
            LenWidth::U32 => self.u32(what).map(u64::from),
            LenWidth::U64 => self.u64(what),
        }
    }

    /// Bytes a length prefix takes in this version.
    #[inline]
    pub(crate) fn len_size(&self) -> u64 {
        match self.width {
            LenWidth::U32 => 4,
            LenWidth::U64 => 8,
        }
    }

    /// A length-prefixed string's bytes (not checked for UTF-8 here).
    #[inline]
    pub(crate) fn string(&mut self, what: &'static str) -> Result<&'a [u8]> {
        let at = self.pos();
        let n = self.len(what)?;
        if n > self.remaining() {
            return Err(Error::at(
                at,
                ErrorKind::UnexpectedEof {
                    what,
                    needed: n,
                    available: self.remaining(),
                },
            ));
        }
        self.take(n, what)
    }
}

impl<'a> Cursor<'a> {
    /// The bytes between two absolute offsets already read (borrowed, not copied).
    pub(crate) fn span(&self, start: u64, end: u64) -> &'a [u8] {
        &self.data[start as usize..end as usize]
    }
}
