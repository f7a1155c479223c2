//! A bounds-checked cursor over the mapped bytes. Every read checks the bytes left first and
//! reports the absolute file offset of the value it could not read.

use crate::error::{Error, ErrorKind, Result};
use byteorder::{BigEndian, ByteOrder as _, LittleEndian};

/// Reads GGUF primitives from a borrowed slice, in the file's byte order and version.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    big_endian: bool,
    /// GGUF v1 stores counts and lengths as u32.
    v1: bool,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize, big_endian: bool, v1: bool) -> Cursor<'a> {
        Cursor {
            data,
            pos,
            big_endian,
            v1,
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

    pub(crate) fn is_v1(&self) -> bool {
        self.v1
    }

    pub(crate) fn big_endian(&self) -> bool {
        self.big_endian
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
        let b = self.take(2, what)?;
        Ok(if self.big_endian {
            BigEndian::read_u16(b)
        } else {
            LittleEndian::read_u16(b)
        })
    }

    #[inline]
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32> {
        let b = self.take(4, what)?;
        Ok(if self.big_endian {
            BigEndian::read_u32(b)
        } else {
            LittleEndian::read_u32(b)
        })
    }

    #[inline]
    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64> {
        let b = self.take(8, what)?;
        Ok(if self.big_endian {
            BigEndian::read_u64(b)
        } else {
            LittleEndian::read_u64(b)
        })
    }

    /// A count or length: u32 in GGUF v1, u64 after.
    #[inline]
    pub(crate) fn len(&mut self, what: &'static str) -> Result<u64> {
        if self.v1 {
            self.u32(what).map(u64::from)
        } else {
            self.u64(what)
        }
    }

    /// Bytes a length prefix takes in this version.
    #[inline]
    pub(crate) fn len_size(&self) -> u64 {
        if self.v1 {
            4
        } else {
            8
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
    /// The bytes between two absolute offsets already read.
    pub(crate) fn clone_span(&self, start: u64, end: u64) -> &'a [u8] {
        &self.data[start as usize..end as usize]
    }
}
