//! The chip's file system: elementary files with a FID, an optional short EF identifier, a
//! current size and the allocation made when the file was first created, inside a fixed EEPROM
//! capacity. It knows nothing about APDUs: the applet maps its errors to status words.

use std::collections::BTreeMap;

use card::files::FileId;
use serde::{Deserialize, Serialize};

/// Why a file-system operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FsError {
    /// No file with this FID (or SFI).
    #[error("file {0:04X} not found")]
    NotFound(u16),
    /// Re-creating a file larger than its first allocation (the JMRTD rule).
    #[error("file {fid:04X} re-created with {requested} bytes, first allocated {allocated}")]
    LargerThanAllocation {
        fid: u16,
        requested: usize,
        allocated: usize,
    },
    /// The allocation would exceed the chip's memory capacity.
    #[error("file {fid:04X} of {requested} bytes does not fit: {used} of {capacity} bytes used")]
    OutOfMemory {
        fid: u16,
        requested: usize,
        used: usize,
        capacity: usize,
    },
    /// A write or read beyond the end of the file.
    #[error("file {fid:04X}: offset {offset} + {len} bytes is past its size {size}")]
    PastEnd {
        fid: u16,
        offset: usize,
        len: usize,
        size: usize,
    },
}

/// One elementary file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ef {
    pub fid: u16,
    /// Short EF identifier (1..=30), for READ BINARY with P1 = 0x80 | SFI.
    pub sfi: Option<u8>,
    /// The bytes of the file; `data.len()` is the current file size. Unwritten bytes are 00.
    #[serde(with = "hex::serde")]
    pub data: Vec<u8>,
    /// Bytes reserved when the file was first created; memory accounting uses this.
    pub allocated: usize,
}

/// All files of the chip, within a memory capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSystem {
    files: BTreeMap<u16, Ef>,
    /// EEPROM bytes available for files; `None` = unlimited.
    capacity: Option<usize>,
    /// Bytes of bookkeeping each file costs on top of its contents (header, FCP).
    #[serde(default)]
    per_file_overhead: usize,
}

/// The short EF identifier a file created without one gets: the SFI of Table 38 for the LDS
/// files (DG1..DG16 = 01..10, CardAccess 1C, SOD 1D, COM 1E), from the workspace's one file
/// table; other FIDs get none, as no LDS1 reader reads them by SFI.
pub fn lds_sfi(fid: u16) -> Option<u8> {
    FileId::from_fid(fid).map(FileId::sfi)
}

/// Number of EEPROM pages a write of `len` bytes at `offset` touches.
pub fn pages_touched(offset: usize, len: usize, page_size: usize) -> usize {
    if len == 0 || page_size == 0 {
        return 0;
    }
    (offset + len - 1) / page_size - offset / page_size + 1
}

impl FileSystem {
    pub fn new(capacity: Option<usize>, per_file_overhead: usize) -> Self {
        Self {
            files: BTreeMap::new(),
            capacity,
            per_file_overhead,
        }
    }

    /// Bytes allocated to files, bookkeeping included.
    pub fn used(&self) -> usize {
        self.files
            .values()
            .map(|f| f.allocated + self.per_file_overhead)
            .sum()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn capacity(&self) -> Option<usize> {
        self.capacity
    }

    /// Creates a file of `size` bytes; `reserved` bytes of the capacity are taken by other
    /// contents (keys, secrets). Re-creating an existing file keeps its allocation and its
    /// bytes up to the new size, and must not ask for more than the first allocation.
    pub fn create(
        &mut self,
        fid: u16,
        size: usize,
        sfi: Option<u8>,
        reserved: usize,
    ) -> Result<(), FsError> {
        if let Some(f) = self.files.get_mut(&fid) {
            if size > f.allocated {
                return Err(FsError::LargerThanAllocation {
                    fid,
                    requested: size,
                    allocated: f.allocated,
                });
            }
            f.data.resize(size, 0);
            f.sfi = sfi;
            return Ok(());
        }
        let used = self.used() + reserved;
        if let Some(capacity) = self.capacity
            && used.saturating_add(size + self.per_file_overhead) > capacity
        {
            return Err(FsError::OutOfMemory {
                fid,
                requested: size,
                used,
                capacity,
            });
        }
        self.files.insert(
            fid,
            Ef {
                fid,
                sfi,
                data: vec![0; size],
                allocated: size,
            },
        );
        Ok(())
    }

    pub fn get(&self, fid: u16) -> Option<&Ef> {
        self.files.get(&fid)
    }

    pub fn exists(&self, fid: u16) -> bool {
        self.files.contains_key(&fid)
    }

    /// The FID of the file with this short EF identifier.
    pub fn by_sfi(&self, sfi: u8) -> Option<u16> {
        self.files
            .values()
            .find(|f| f.sfi == Some(sfi))
            .map(|f| f.fid)
    }

    /// Writes `data` at `offset`; the file must be large enough.
    pub fn write(&mut self, fid: u16, offset: usize, data: &[u8]) -> Result<(), FsError> {
        let f = self.files.get_mut(&fid).ok_or(FsError::NotFound(fid))?;
        let size = f.data.len();
        match offset.checked_add(data.len()) {
            Some(end) if end <= size => {
                f.data[offset..end].copy_from_slice(data);
                Ok(())
            }
            _ => Err(FsError::PastEnd {
                fid,
                offset,
                len: data.len(),
                size,
            }),
        }
    }

    /// Up to `max` bytes from `offset`; an offset at the end gives an empty slice, one past the
    /// end is an error.
    pub fn read(&self, fid: u16, offset: usize, max: usize) -> Result<&[u8], FsError> {
        let f = self.files.get(&fid).ok_or(FsError::NotFound(fid))?;
        let size = f.data.len();
        if offset > size {
            return Err(FsError::PastEnd {
                fid,
                offset,
                len: max,
                size,
            });
        }
        let end = offset + max.min(size - offset);
        Ok(&f.data[offset..end])
    }

    /// Every file, by FID.
    pub fn files(&self) -> impl Iterator<Item = &Ef> {
        self.files.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lds_sfis_follow_the_fid() {
        assert_eq!(lds_sfi(0x011E), Some(0x1E));
        assert_eq!(lds_sfi(0x0101), Some(0x01));
        assert_eq!(lds_sfi(0x011C), Some(0x1C));
        assert_eq!(lds_sfi(0x0100), None);
        assert_eq!(lds_sfi(0x011F), None);
        assert_eq!(lds_sfi(0x3F00), None);
    }

    #[test]
    fn pages_count_every_page_touched() {
        assert_eq!(pages_touched(0, 0, 64), 0);
        assert_eq!(pages_touched(0, 64, 64), 1);
        assert_eq!(pages_touched(63, 2, 64), 2);
        assert_eq!(pages_touched(10, 255, 64), 5);
    }

    #[test]
    fn create_write_read() {
        let mut fs = FileSystem::new(Some(100), 0);
        fs.create(0x011E, 10, Some(0x1E), 0).unwrap();
        fs.write(0x011E, 2, &[1, 2, 3]).unwrap();
        assert_eq!(
            fs.read(0x011E, 0, 256).unwrap(),
            &[0, 0, 1, 2, 3, 0, 0, 0, 0, 0]
        );
        assert_eq!(fs.read(0x011E, 4, 2).unwrap(), &[3, 0]);
        assert_eq!(fs.read(0x011E, 10, 5).unwrap(), &[] as &[u8]);
        assert!(matches!(
            fs.read(0x011E, 11, 1),
            Err(FsError::PastEnd { .. })
        ));
        assert_eq!(fs.by_sfi(0x1E), Some(0x011E));
        assert_eq!(fs.used(), 10);
    }

    #[test]
    fn writes_past_the_end_are_refused_and_change_nothing() {
        let mut fs = FileSystem::new(None, 0);
        fs.create(0x0101, 4, None, 0).unwrap();
        assert!(matches!(
            fs.write(0x0101, 3, &[9, 9]),
            Err(FsError::PastEnd {
                offset: 3,
                len: 2,
                size: 4,
                ..
            })
        ));
        assert!(matches!(
            fs.write(0x0101, usize::MAX, &[9]),
            Err(FsError::PastEnd { .. })
        ));
        assert_eq!(fs.read(0x0101, 0, 4).unwrap(), &[0; 4]);
        assert_eq!(fs.write(0x0102, 0, &[1]), Err(FsError::NotFound(0x0102)));
    }

    #[test]
    fn recreate_within_the_first_allocation() {
        let mut fs = FileSystem::new(None, 0);
        fs.create(0x0101, 8, None, 0).unwrap();
        fs.write(0x0101, 0, &[7; 8]).unwrap();
        fs.create(0x0101, 4, None, 0).unwrap();
        assert_eq!(fs.read(0x0101, 0, 99).unwrap(), &[7; 4]);
        assert_eq!(fs.used(), 8, "allocation is kept");
        assert!(matches!(
            fs.create(0x0101, 9, None, 0),
            Err(FsError::LargerThanAllocation {
                requested: 9,
                allocated: 8,
                ..
            })
        ));
        fs.create(0x0101, 8, None, 0).unwrap();
    }

    #[test]
    fn memory_capacity_is_enforced() {
        let mut fs = FileSystem::new(Some(1000), 10);
        fs.create(0x0102, 880, None, 0).unwrap();
        assert!(matches!(
            fs.create(0x0103, 101, None, 0),
            Err(FsError::OutOfMemory {
                used: 890,
                capacity: 1000,
                ..
            })
        ));
        assert!(
            fs.create(0x0103, 100, None, 1).is_err(),
            "reserved bytes count"
        );
        fs.create(0x0103, 100, None, 0).unwrap();
        assert_eq!(fs.used(), 1000);
        assert_eq!(fs.len(), 2);
    }
}
