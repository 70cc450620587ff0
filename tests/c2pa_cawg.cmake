# CAWG identity assertions (src/c2pa/cawg.c): a cmocka program of its
# own beside unit/test_c2pa.c, registered here because
# tests/CMakeLists.txt registers one unit test per module. Corpus cases
# skip when ../shared is absent.
if(TARGET ts_c2pa)
  add_executable(test_c2pa_cawg ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_c2pa_cawg.c)
  target_link_libraries(test_c2pa_cawg PRIVATE ts_c2pa PkgConfig::CMOCKA)
  target_compile_definitions(test_c2pa_cawg PRIVATE
    TS_SHARED_DIR="${TS_SHARED_DIR}" TS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  add_test(NAME unit_c2pa_cawg COMMAND test_c2pa_cawg)
endif()
