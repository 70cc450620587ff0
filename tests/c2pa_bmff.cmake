# The ISO-BMFF half of the c2pa module on hand-made files (cmocka):
# AVIF signing with c2pa.hash.bmff.v2, iloc offsets moved by the C2PA
# 'uuid' box, our validator's match/mismatch, broken uuid boxes, the
# hash's offset || data rule and the xpath syntax. The reference
# validator's verdict on real AVIFs is in c2pa_sign.sh.
if(TARGET ts_c2pa)
  add_executable(c2pa_bmff_test ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_bmff_test.c)
  target_link_libraries(c2pa_bmff_test PRIVATE ts_c2pa PkgConfig::CMOCKA)
  add_test(NAME c2pa_bmff COMMAND c2pa_bmff_test)
endif()
