# Incremental builds (bench/incremental.sh --check): a generated site of
# small photos built, then rebuilt with no change, one story's text
# edited, one photo replaced, one deleted. Fails when a rebuild reads a
# photo it should not (the build report's photos_read counter, printed by
# `build --stats`), when a replaced or deleted photo's derivatives stay
# published, or when a step takes over 20x its target (ASan builds).
# 200 photos in 10 stories keep it under a minute; bench/incremental.sh
# without --check runs the full 1,000 photos in 50 stories.
if(TARGET tearsheet)
  add_executable(gen_photos ${CMAKE_SOURCE_DIR}/bench/gen_photos.c)
  target_link_libraries(gen_photos PRIVATE PkgConfig::VIPS)
  add_test(NAME incremental_build
           COMMAND bash ${CMAKE_SOURCE_DIR}/bench/incremental.sh $<TARGET_FILE:tearsheet>
                   $<TARGET_FILE:gen_photos> --photos 200 --stories 10 --check --no-hugo)
  set_tests_properties(incremental_build PROPERTIES TIMEOUT 600)
endif()
