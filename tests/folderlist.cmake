# folderlist: a folder's entries read once, by name (src/site/folderlist.c)
# — what a no-op build checks published derivatives with.
if(TARGET ts_site)
  add_executable(folderlist_test ${CMAKE_CURRENT_SOURCE_DIR}/folderlist_test.c)
  target_link_libraries(folderlist_test PRIVATE ts_site PkgConfig::CMOCKA)
  add_test(NAME folderlist COMMAND folderlist_test)
endif()
