# CAWG identity assertions (src/c2pa/cawg.c): a cmocka program of its
# own beside unit/test_c2pa.c, registered here because
# tests/CMakeLists.txt registers one unit test per module. The corpus
# cases are unit_c2pa_cawg_corpus, Skipped when ../shared is absent.
if(TARGET ts_c2pa)
  add_executable(test_c2pa_cawg ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_c2pa_cawg.c)
  target_link_libraries(test_c2pa_cawg PRIVATE ts_c2pa PkgConfig::CMOCKA)
  target_compile_definitions(test_c2pa_cawg PRIVATE
    TS_SHARED_DIR="${TS_SHARED_DIR}" TS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_include_directories(test_c2pa_cawg PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/lib)
  ts_unit_register(unit_c2pa_cawg test_c2pa_cawg
                   ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_c2pa_cawg.c)
endif()
