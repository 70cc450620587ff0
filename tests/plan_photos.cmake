# The photo plan (src/site/plan.c, tests/plan_photos.sh): missing photos
# reported in story order, ids unique within a story, a story of 40
# photos, a photo removed between builds.
if(TARGET tearsheet AND TARGET gen_photos)
  add_test(NAME plan_photos
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/plan_photos.sh $<TARGET_FILE:tearsheet>
                   $<TARGET_FILE:gen_photos>)
  set_tests_properties(plan_photos PROPERTIES TIMEOUT 600)
endif()
