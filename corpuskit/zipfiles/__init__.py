"""corpuskit's zip files: the release archive written byte-reproducibly, sealed, and read
back in place without trusting it.

Writing. :func:`~.archive.write_zip` (:mod:`.archive`) writes a package folder's sealed
zip: its members (:func:`~.archive.write_members`) deflated as :mod:`.deflate` defines
(pieces that join into one stream, made on any thread or process), from the pieces of
:mod:`.zippieces` or those a build's workers deflated already (:mod:`.preparedpieces`,
their zip segments: :mod:`.zipsegments`), their bytes copied in by a thread
(:mod:`.zipcopies`), every header as :mod:`.zipformat` makes it, then the seal, its zip
comment (:func:`~.archiveseal.seal`, :mod:`.archiveseal`). :mod:`.archivecompression`
tells which compression deflated a release's zip.

Reading. :class:`~.zipsource.ZipSource` (:mod:`.zipsource`) opens a package archive in
place, checked against its limits: the central directory read by :mod:`.zipdirectory`
(:class:`~.zipdirectory.ArchiveReadError`), each member inflated and checked by
:mod:`.memberstream`.

The CRC-32 both sides take (:mod:`corpuskit.crc32`) also checks the cache's files, and a
member name's safety (:mod:`corpuskit.membernames`) is asked of manifests and descriptors
too: they stay outside. So does :mod:`corpuskit.otherarchives`, which names archives of
other formats and opens none.
"""
